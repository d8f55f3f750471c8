// Test harness: a LiteSVM with the Choir program deployed through BPF Loader Upgradeable, funded keypairs and
// helpers to send instructions and read decoded accounts. Shared by the tests and bench/program-cu.ts.
import { type Address, address, lamports } from '@solana/kit';
import { Keypair, type PublicKey, TransactionInstruction } from '@solana/web3.js';
import { Clock, LiteSVM, type TransactionMetadata } from 'litesvm';
import {
  createThreadInstruction,
  decodeMessageAccount,
  decodeThreadAccount,
  deployProgram,
  findMessageAddress,
  findThreadAddress,
  isFailure,
  type MessageAccount,
  parseProgramErrorCode,
  type SendResult,
  sendInstructions,
  type ThreadAccount,
} from '../client/index.js';

export const SOL = 1_000_000_000n;
export const START_TIME = 1_750_000_000n;

export const addr = (key: PublicKey): Address => address(key.toBase58());

export class Chain {
  readonly svm: LiteSVM;
  readonly deployer = Keypair.generate();
  private slot = 1n;
  private time = START_TIME;

  constructor() {
    this.svm = new LiteSVM();
    this.fund(this.deployer, 100n * SOL);
    deployProgram(this.svm, { payer: this.deployer });
    this.setTime(START_TIME);
  }

  fund(key: Keypair | PublicKey, amount = 10n * SOL): void {
    const pk = 'publicKey' in key ? key.publicKey : key;
    this.svm.airdrop(addr(pk), lamports(amount));
  }

  newFunded(amount = 10n * SOL): Keypair {
    const k = Keypair.generate();
    this.fund(k, amount);
    return k;
  }

  setTime(unix: bigint): void {
    this.time = unix;
    this.slot += 1n;
    this.svm.setClock(new Clock(this.slot, START_TIME, 0n, 0n, unix));
  }

  advance(seconds: bigint): void {
    this.setTime(this.time + seconds);
  }

  now(): bigint {
    return this.time;
  }

  send(ixs: readonly TransactionInstruction[], signers: readonly Keypair[]): SendResult {
    return sendInstructions(this.svm, ixs, signers);
  }

  /** Sends and fails the test with the runtime's own description if the transaction fails. */
  ok(ixs: readonly TransactionInstruction[], signers: readonly Keypair[]): TransactionMetadata {
    const res = this.send(ixs, signers);
    if (isFailure(res)) throw new Error(`transaction failed: ${res.toString()}`);
    return res;
  }

  /** Sends, expects failure, returns the custom program error number (undefined for a non-custom failure). */
  fail(ixs: readonly TransactionInstruction[], signers: readonly Keypair[]): number | undefined {
    const res = this.send(ixs, signers);
    if (!isFailure(res)) throw new Error('transaction unexpectedly succeeded');
    return parseProgramErrorCode(res);
  }

  failure(ixs: readonly TransactionInstruction[], signers: readonly Keypair[]): string {
    const res = this.send(ixs, signers);
    if (!isFailure(res)) throw new Error('transaction unexpectedly succeeded');
    return res.toString();
  }

  balance(key: PublicKey): bigint {
    return BigInt(this.svm.getBalance(addr(key)) ?? 0n);
  }

  data(key: PublicKey): Uint8Array | undefined {
    const acc = this.svm.getAccount(addr(key));
    return acc.exists ? Uint8Array.from(acc.data) : undefined;
  }

  thread(key: PublicKey): ThreadAccount {
    const res = decodeThreadAccount(this.data(key) ?? new Uint8Array());
    if (!res.ok) throw res.error;
    return res.value;
  }

  message(thread: PublicKey, hash: Uint8Array): MessageAccount {
    const res = decodeMessageAccount(this.data(findMessageAddress(thread, hash)[0]) ?? new Uint8Array());
    if (!res.ok) throw res.error;
    return res.value;
  }

  rent(size: number): bigint {
    return BigInt(this.svm.minimumBalanceForRentExemption(BigInt(size)));
  }
}

export function randomId(): Uint8Array {
  return Keypair.generate().publicKey.toBytes();
}

export function threadAddress(threadId: Uint8Array): PublicKey {
  return findThreadAddress(threadId)[0];
}

/** A thread created by coAuthors[0] with these co-authors; returns its address. */
export function createThreadFor(
  chain: Chain,
  coAuthors: readonly Keypair[],
  options: { minStake?: bigint; specLifetime?: bigint; threadId?: Uint8Array } = {},
): PublicKey {
  const creator = coAuthors[0];
  if (!creator) throw new Error('a thread needs a creator');
  const threadId = options.threadId ?? randomId();
  chain.ok(
    [
      createThreadInstruction({
        payer: creator.publicKey,
        creator: creator.publicKey,
        threadId,
        coAuthors: coAuthors.map((k) => k.publicKey),
        minStake: options.minStake ?? 0n,
        specLifetime: options.specLifetime ?? 0n,
      }),
    ],
    [creator],
  );
  return threadAddress(threadId);
}

/** A copy of an instruction with account `index` changed. */
export function withAccount(
  ix: TransactionInstruction,
  index: number,
  change: Partial<TransactionInstruction['keys'][number]>,
): TransactionInstruction {
  const keys = ix.keys.map((k, i) => (i === index ? { ...k, ...change } : k));
  return new TransactionInstruction({ programId: ix.programId, keys, data: ix.data });
}

export function withData(ix: TransactionInstruction, data: Uint8Array): TransactionInstruction {
  return new TransactionInstruction({ programId: ix.programId, keys: ix.keys, data: Buffer.from(data) });
}

/** The fee the runtime charged, from the transaction metadata. */
export function feeOf(result: SendResult): bigint {
  const m = /fee: (\d+)/.exec(result.toString());
  if (!m?.[1]) throw new Error(`no fee in ${result.toString()}`);
  return BigInt(m[1]);
}
