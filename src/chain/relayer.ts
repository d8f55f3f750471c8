/**
 * The fee payer of relayed actions. It signs and sends transactions built from the program client's instructions,
 * confirms them, and retries what is safe to retry:
 * - the same signed transaction is re-sent (same signature, so it can land at most once) until its blockhash
 *   expires; only then is it signed again with a fresh blockhash — the old one can no longer land;
 * - transport failures, 429/5xx and node-behind answers back off with jitter;
 * - a transaction the chain rejects is not retried: its error is mapped through the taxonomy (transaction-error.ts).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { type Keypair, PublicKey, type TransactionInstruction } from '@solana/web3.js';
import bs58 from 'bs58';
import { ChoirError, isRetryable, toChoirError } from '../errors/index.js';
import { backoffDelay, sleep } from '../errors/retry.js';
import type { Logger } from '../observability/logger.js';
import { compileLegacyMessage } from './compile-message.js';
import { type RpcClient, RpcFailure } from './rpc-client.js';
import { transactionFailed } from './transaction-error.js';
import { transactionSize } from './transaction-size.js';

/** Solana's packet limit for a serialized transaction. */
export const MAX_TRANSACTION_BYTES = 1232;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface RelayerOptions {
  readonly rpc: RpcClient;
  readonly keypair: Keypair;
  readonly logger: Logger;
  /** Send attempts in all (transient failures, expired blockhashes). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How often an unconfirmed transaction's status is polled, and how often it is re-sent meanwhile. */
  readonly pollMs?: number;
  readonly resendMs?: number;
  /** Gives up confirming one signed copy after this long even if its blockhash is still valid. */
  readonly confirmTimeoutMs?: number;
  readonly random?: () => number;
}

export interface RelayerStats {
  transactions: number;
  instructions: number;
  retries: number;
  failures: number;
}

/** How one transaction of a batch ended. */
export type SendOutcome =
  | { readonly ok: true; readonly signature: string }
  | { readonly ok: false; readonly error: ChoirError };

interface Signed {
  readonly wire: string;
  readonly signature: string;
  readonly lastValidBlockHeight: number;
}

interface BatchSlot {
  readonly instructions: readonly TransactionInstruction[];
  readonly programs: readonly string[];
  signed?: Signed;
  sentAt?: number;
  /** The last transient failure, reported if the attempts run out. */
  transient?: unknown;
  outcome?: SendOutcome;
}

/** Sends in flight at once, and signatures per status poll (the RPC's limit is 256). */
const SUBMIT_CONCURRENCY = 32;
const STATUS_PAGE = 256;

function expired(signature: string | undefined, why = 'expired unconfirmed'): ChoirError {
  return new ChoirError('SOLANA_TRANSACTION_EXPIRED', `transaction ${signature ?? '(unsigned)'} ${why}`, {
    details: { signature },
  });
}

interface SignatureStatus {
  slot: number;
  err: unknown;
  confirmationStatus: 'processed' | 'confirmed' | 'finalized' | null;
}

export class Relayer {
  readonly publicKey: PublicKey;
  readonly stats: RelayerStats = { transactions: 0, instructions: 0, retries: 0, failures: 0 };
  private readonly privateKey;
  private readonly o: Required<Omit<RelayerOptions, 'random'>> & { random: () => number };

  constructor(options: RelayerOptions) {
    this.publicKey = options.keypair.publicKey;
    this.privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, options.keypair.secretKey.subarray(0, 32)]),
      format: 'der',
      type: 'pkcs8',
    });
    this.o = {
      attempts: 8,
      baseDelayMs: 100,
      maxDelayMs: 3_000,
      pollMs: 100,
      resendMs: 2_000,
      confirmTimeoutMs: 30_000,
      random: Math.random,
      ...options,
    };
  }

  get rpc(): RpcClient {
    return this.o.rpc;
  }

  /** Serialized size of a transaction holding `instructions`, paid and signed by the relayer. */
  transactionSize(instructions: readonly TransactionInstruction[]): number {
    return transactionSize(this.publicKey, instructions);
  }

  fits(instructions: readonly TransactionInstruction[]): boolean {
    return this.transactionSize(instructions) <= MAX_TRANSACTION_BYTES;
  }

  async balance(): Promise<bigint> {
    const res = await this.o.rpc.call<{ value: number }>('getBalance', [
      this.publicKey.toBase58(),
      { commitment: 'processed' },
    ]);
    return BigInt(res.value);
  }

  /** Asks the cluster's faucet (the devnet's) for lamports when the balance is below `floor`. */
  async airdropIfBelow(floor: bigint, amount: bigint): Promise<bigint> {
    const balance = await this.balance();
    if (balance >= floor) return balance;
    const signature = await this.o.rpc.call<string>('requestAirdrop', [this.publicKey.toBase58(), Number(amount)]);
    await this.confirm(signature, Date.now() + this.o.confirmTimeoutMs);
    return this.balance();
  }

  /**
   * Sends one transaction with `instructions`, fee paid by the relayer, and waits until it is processed without
   * error. Returns its signature. Throws a ChoirError: SOLANA_RPC_UNAVAILABLE / SOLANA_TRANSACTION_EXPIRED after the
   * attempts, or the mapped program error (details.instructionIndex names the failing instruction).
   */
  async send(instructions: readonly TransactionInstruction[]): Promise<string> {
    const [outcome] = await this.sendBatch([instructions]);
    if (!outcome?.ok) throw outcome?.error;
    return outcome.signature;
  }

  /**
   * Sends many transactions at once and waits for each: one blockhash for all that need signing, the sends in
   * parallel, and their statuses polled together (one `getSignatureStatuses` per 256 signatures), so a batch costs
   * a few round trips beyond its sends instead of a poll loop per transaction. Each transaction keeps the rules of
   * `send` (same signature re-sent until its blockhash expires, then signed again; transient failures retried with
   * backoff; a chain rejection final). Outcomes are in input order; a failure is a ChoirError, never thrown here.
   */
  async sendBatch(transactions: readonly (readonly TransactionInstruction[])[]): Promise<SendOutcome[]> {
    const slots: BatchSlot[] = transactions.map((instructions) => ({
      instructions,
      programs: instructions.map((ix) => ix.programId.toBase58()),
    }));
    for (let attempt = 1; ; attempt++) {
      const open = slots.filter((x) => x.outcome === undefined);
      if (open.length === 0) break;
      try {
        await this.signAll(open.filter((x) => x.signed === undefined));
        await this.submitAll(open);
        await this.confirmAll(open.filter((x) => x.outcome === undefined && x.signed !== undefined));
      } catch (err) {
        // A failure of the batch's shared calls (the blockhash, a status poll): every open slot retries.
        for (const x of open) if (x.outcome === undefined) x.transient = err;
      }
      const left = slots.filter((x) => x.outcome === undefined);
      if (left.length === 0) break;
      if (attempt >= this.o.attempts) {
        for (const x of left) {
          x.outcome = { ok: false, error: toChoirError(x.transient ?? expired(x.signed?.signature)) };
        }
        break;
      }
      this.stats.retries += left.length;
      const delay = backoffDelay(attempt, this.o);
      this.o.logger.debug({ open: left.length, attempt, delay }, 'relayer: transient failures, retrying');
      await sleep(delay);
    }
    return slots.map((x) => {
      const outcome = x.outcome as SendOutcome;
      if (outcome.ok) {
        this.stats.transactions += 1;
        this.stats.instructions += x.instructions.length;
      } else this.stats.failures += 1;
      return outcome;
    });
  }

  private async signAll(slots: readonly BatchSlot[]): Promise<void> {
    if (slots.length === 0) return;
    const { value } = await this.o.rpc.call<{ value: { blockhash: string; lastValidBlockHeight: number } }>(
      'getLatestBlockhash',
      [{ commitment: 'processed' }],
    );
    for (const x of slots) x.signed = this.signWith(x.instructions, value);
  }

  /** Sends every open slot's signed copy; a rejection settles the slot, an expiry or outage leaves it for a retry. */
  private async submitAll(slots: readonly BatchSlot[]): Promise<void> {
    const sendable = slots.filter((x) => x.signed !== undefined);
    for (let i = 0; i < sendable.length; i += SUBMIT_CONCURRENCY) {
      await Promise.all(
        sendable.slice(i, i + SUBMIT_CONCURRENCY).map(async (x) => {
          try {
            await this.submit((x.signed as Signed).wire, x.programs);
            x.sentAt = Date.now();
          } catch (err) {
            if (err instanceof ChoirError && err.code === 'SOLANA_TRANSACTION_EXPIRED') x.signed = undefined;
            if (isRetryable(err)) x.transient = err;
            else x.outcome = { ok: false, error: toChoirError(err) };
          }
        }),
      );
    }
  }

  /**
   * Polls the statuses of the sent slots until each is processed, its blockhash expired or the confirmation
   * deadline passed; meanwhile re-sends the same bytes of the unconfirmed ones (a dropped packet is not a lost
   * action).
   */
  private async confirmAll(slots: readonly BatchSlot[]): Promise<void> {
    let waiting = slots.filter((x) => x.sentAt !== undefined);
    const deadline = Date.now() + this.o.confirmTimeoutMs;
    let lastSend = Date.now();
    for (let poll = 0; waiting.length > 0; poll++) {
      for (let i = 0; i < waiting.length; i += STATUS_PAGE) {
        const page = waiting.slice(i, i + STATUS_PAGE);
        const { value } = await this.o.rpc.call<{ value: (SignatureStatus | null)[] }>('getSignatureStatuses', [
          page.map((x) => (x.signed as Signed).signature),
          { searchTransactionHistory: false },
        ]);
        page.forEach((x, j) => {
          const status = value[j];
          if (!status?.confirmationStatus) return;
          const signature = (x.signed as Signed).signature;
          x.outcome =
            status.err === null
              ? { ok: true, signature }
              : { ok: false, error: transactionFailed(status.err, signature, x.programs) };
        });
      }
      waiting = waiting.filter((x) => x.outcome === undefined);
      if (waiting.length === 0) return;
      if (poll % 10 === 9) {
        const height = await this.o.rpc.call<number>('getBlockHeight', [{ commitment: 'processed' }]);
        for (const x of waiting) {
          if (height > (x.signed as Signed).lastValidBlockHeight) {
            x.transient = expired(x.signed?.signature);
            x.signed = undefined;
          }
        }
        waiting = waiting.filter((x) => x.signed !== undefined);
      }
      if (Date.now() > deadline) {
        for (const x of waiting) x.transient = expired(x.signed?.signature, 'not confirmed in time');
        return;
      }
      if (Date.now() - lastSend >= this.o.resendMs) {
        lastSend = Date.now();
        // Re-sends: their outcome comes from the status.
        await Promise.all(waiting.map((x) => this.submit((x.signed as Signed).wire, []).catch(() => undefined)));
      }
      await sleep(this.o.pollMs);
    }
  }

  /** Polls one signature (the faucet's airdrop) until it is processed. */
  private async confirm(signature: string, deadline: number): Promise<SignatureStatus> {
    for (;;) {
      const { value } = await this.o.rpc.call<{ value: (SignatureStatus | null)[] }>('getSignatureStatuses', [
        [signature],
        { searchTransactionHistory: false },
      ]);
      const status = value[0];
      if (status?.confirmationStatus) return status;
      if (Date.now() > deadline) throw expired(signature, 'not confirmed in time');
      await sleep(this.o.pollMs);
    }
  }

  private signWith(
    instructions: readonly TransactionInstruction[],
    blockhash: { blockhash: string; lastValidBlockHeight: number },
  ): Signed {
    // Written straight to bytes (compile-message.ts): web3.js's compileMessage + serialize (base58 sorts, data
    // round-tripped through base58) was the relayer's largest cost. The relayer is the only signer of a relayed
    // transaction (users sign through the Ed25519 instruction), so the wire is [1, signature, message].
    const message = compileLegacyMessage(this.publicKey, blockhash.blockhash, instructions);
    if (message.numRequiredSignatures !== 1) {
      throw new ChoirError('INTERNAL', "a relayed transaction must need no signature but the relayer's");
    }
    const bytes = message.bytes;
    // node:crypto signs ~20× faster than web3.js's sign + serialize (which re-verifies every signature).
    const signature = sign(null, bytes, this.privateKey);
    const wire = Buffer.concat([Uint8Array.of(1), signature, bytes]).toString('base64');
    return { wire, signature: bs58.encode(signature), lastValidBlockHeight: blockhash.lastValidBlockHeight };
  }

  /** sendTransaction with preflight; "already processed" means an earlier copy landed, which is what we want. */
  private async submit(wire: string, programs: readonly string[]): Promise<void> {
    try {
      await this.o.rpc.call<string>('sendTransaction', [
        wire,
        { encoding: 'base64', preflightCommitment: 'processed', maxRetries: 0 },
      ]);
    } catch (err) {
      if (!(err instanceof RpcFailure)) throw err;
      const data = err.error.data as { err?: unknown } | undefined;
      if (data?.err === 'AlreadyProcessed') return;
      if (data?.err === 'BlockhashNotFound') {
        throw new ChoirError('SOLANA_TRANSACTION_EXPIRED', err.message, { details: { method: 'sendTransaction' } });
      }
      if (data?.err !== undefined) throw transactionFailed(data.err, undefined, programs);
      throw new ChoirError('SOLANA_TRANSACTION_FAILED', err.message, {
        details: { rpcCode: err.error.code },
        cause: err,
      });
    }
  }
}
