/**
 * The fee payer of relayed actions. It signs and sends transactions built from the program client's instructions,
 * confirms them, and retries what is safe to retry:
 * - the same signed transaction is re-sent (same signature, so it can land at most once) until its blockhash
 *   expires; only then is it signed again with a fresh blockhash — the old one can no longer land;
 * - transport failures, 429/5xx and node-behind answers back off with jitter;
 * - a transaction the chain rejects is not retried: its error is mapped through the taxonomy (transaction-error.ts).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { type Keypair, PublicKey, Transaction, type TransactionInstruction } from '@solana/web3.js';
import bs58 from 'bs58';
import { ChoirError, isRetryable } from '../errors/index.js';
import { backoffDelay, sleep } from '../errors/retry.js';
import type { Logger } from '../observability/logger.js';
import { type RpcClient, RpcFailure } from './rpc-client.js';
import { transactionFailed } from './transaction-error.js';

/** Solana's packet limit for a serialized transaction. */
export const MAX_TRANSACTION_BYTES = 1232;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** A blockhash-shaped placeholder for size estimates (every byte is counted, its value does not matter). */
const SIZE_PROBE_BLOCKHASH = new PublicKey(new Uint8Array(32).fill(7)).toBase58();

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
    const tx = new Transaction({ feePayer: this.publicKey, recentBlockhash: SIZE_PROBE_BLOCKHASH }).add(
      ...instructions,
    );
    return 1 + 64 + tx.serializeMessage().length;
  }

  fits(instructions: readonly TransactionInstruction[]): boolean {
    try {
      return this.transactionSize(instructions) <= MAX_TRANSACTION_BYTES;
    } catch {
      // web3.js throws when the message itself overflows (e.g. more than 256 accounts).
      return false;
    }
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
    await this.confirm(signature, Date.now() + this.o.confirmTimeoutMs, null);
    return this.balance();
  }

  /**
   * Sends one transaction with `instructions`, fee paid by the relayer, and waits until it is processed without
   * error. Returns its signature. Throws a ChoirError: SOLANA_RPC_UNAVAILABLE / SOLANA_TRANSACTION_EXPIRED after the
   * attempts, or the mapped program error (details.instructionIndex names the failing instruction).
   */
  async send(instructions: readonly TransactionInstruction[]): Promise<string> {
    let signed: { wire: string; signature: string; lastValidBlockHeight: number } | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!signed) signed = await this.sign(instructions);
        const { wire, signature, lastValidBlockHeight } = signed;
        const programs = instructions.map((ix) => ix.programId.toBase58());
        await this.submit(wire, programs);
        const deadline = Date.now() + this.o.confirmTimeoutMs;
        const status = await this.confirm(signature, deadline, { wire, lastValidBlockHeight });
        if (status.err !== null) throw transactionFailed(status.err, signature, programs);
        this.stats.transactions += 1;
        this.stats.instructions += instructions.length;
        return signature;
      } catch (err) {
        if (err instanceof ChoirError && err.code === 'SOLANA_TRANSACTION_EXPIRED') signed = undefined;
        if (!isRetryable(err) || attempt >= this.o.attempts) {
          this.stats.failures += 1;
          throw err;
        }
        this.stats.retries += 1;
        const delay = backoffDelay(attempt, this.o);
        this.o.logger.debug({ err, attempt, delay }, 'relayer: transient failure, retrying');
        await sleep(delay);
      }
    }
  }

  private async sign(instructions: readonly TransactionInstruction[]) {
    const { value } = await this.o.rpc.call<{ value: { blockhash: string; lastValidBlockHeight: number } }>(
      'getLatestBlockhash',
      [{ commitment: 'processed' }],
    );
    const tx = new Transaction({ feePayer: this.publicKey, recentBlockhash: value.blockhash }).add(...instructions);
    const message = tx.serializeMessage();
    // node:crypto signs ~20× faster than web3.js's sign + serialize (which re-verifies every signature).
    const signature = sign(null, message, this.privateKey);
    tx.addSignature(this.publicKey, signature);
    const wire = tx.serialize({ requireAllSignatures: true, verifySignatures: false }).toString('base64');
    return { wire, signature: bs58.encode(signature), lastValidBlockHeight: value.lastValidBlockHeight };
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

  /**
   * Polls the signature until it is processed; meanwhile re-sends the same bytes (a dropped packet is not a lost
   * action). Expired once the block height passes the blockhash's last valid height.
   */
  private async confirm(
    signature: string,
    deadline: number,
    resend: { wire: string; lastValidBlockHeight: number } | null,
  ): Promise<SignatureStatus> {
    let lastSend = Date.now();
    for (let poll = 0; ; poll++) {
      const { value } = await this.o.rpc.call<{ value: (SignatureStatus | null)[] }>('getSignatureStatuses', [
        [signature],
        { searchTransactionHistory: false },
      ]);
      const status = value[0];
      if (status?.confirmationStatus) return status;
      if (resend && poll % 10 === 9) {
        const height = await this.o.rpc.call<number>('getBlockHeight', [{ commitment: 'processed' }]);
        if (height > resend.lastValidBlockHeight) {
          throw new ChoirError('SOLANA_TRANSACTION_EXPIRED', `transaction ${signature} expired unconfirmed`, {
            details: { signature },
          });
        }
      }
      if (Date.now() > deadline) {
        throw new ChoirError('SOLANA_TRANSACTION_EXPIRED', `transaction ${signature} not confirmed in time`, {
          details: { signature },
        });
      }
      if (resend && Date.now() - lastSend >= this.o.resendMs) {
        lastSend = Date.now();
        await this.submit(resend.wire, []).catch(() => undefined); // a re-send: its outcome comes from the status
      }
      await sleep(this.o.pollMs);
    }
  }
}
