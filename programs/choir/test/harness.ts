// Test harness: a LiteSVM with the Choir program deployed through BPF Loader Upgradeable, funded keypairs and
// helpers to send instructions and read decoded accounts. Shared by the tests and bench/program-cu.ts.
import { readFileSync } from 'node:fs';
import { type Address, address, lamports } from '@solana/kit';
import { Keypair, type PublicKey, TransactionInstruction } from '@solana/web3.js';
import { Clock, LiteSVM, type TransactionMetadata } from 'litesvm';
import {
  CHOIR_PROGRAM_ID,
  type CreateThreadArgs,
  createThreadInstruction,
  decodeMessageAccount,
  decodeThreadAccount,
  deployProgram,
  findMessageAddress,
  findThreadAddress,
  isFailure,
  type MessageAccount,
  messageCanonicalMessage,
  parseProgramErrorCode,
  relayed,
  type SendResult,
  sendInstructions,
  signEd25519,
  submitMessageInstruction,
  type ThreadAccount,
  threadCanonicalMessage,
  type VoteArgs,
  voteCanonicalMessage,
  voteInstruction,
} from '../client/index.js';

export const SOL = 1_000_000_000n;
export const START_TIME = 1_750_000_000n;

export const addr = (key: PublicKey): Address => address(key.toBase58());

const CONSUMED_LINE = new RegExp(`^Program ${CHOIR_PROGRAM_ID.toBase58()} consumed (\\d+) of`);

export class Chain {
  readonly svm: LiteSVM;
  readonly deployer = Keypair.generate();
  private slot = 1n;
  private time = START_TIME;

  /**
   * `elf`: another build of the program (default: the committed choir.so, or the file named by CHOIR_TEST_ELF,
   * which runs the tests against another build, e.g. `git show HEAD~1:programs/choir/build/choir.so`).
   */
  constructor(options: { elf?: Uint8Array } = {}) {
    this.svm = new LiteSVM();
    this.fund(this.deployer, 100n * SOL);
    const other = process.env.CHOIR_TEST_ELF;
    deployProgram(this.svm, { payer: this.deployer }, options.elf ?? (other ? readFileSync(other) : undefined));
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

  /** Sends, expects success, returns the compute units the Choir program consumed ("Program <id> consumed N"). */
  units(ixs: readonly TransactionInstruction[], signers: readonly Keypair[]): number {
    const consumed = this.ok(ixs, signers)
      .logs()
      .map((l) => CONSUMED_LINE.exec(l)?.[1])
      .find((v) => v !== undefined);
    if (consumed === undefined) throw new Error('no consumption line for the Choir program in the logs');
    return Number(consumed);
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

// Relayed calls: `relayer` pays and sends; the authority signs the canonical message off-chain.

export function relayedCreateThread(
  relayer: PublicKey,
  creator: Keypair,
  args: Omit<CreateThreadArgs, 'payer' | 'creator' | 'relayed'>,
): TransactionInstruction[] {
  const ix = createThreadInstruction({ ...args, payer: relayer, creator: creator.publicKey, relayed: true });
  const msg = threadCanonicalMessage(args);
  return relayed(ix, creator.publicKey, msg, signEd25519(msg, creator));
}

export function relayedSubmitMessage(
  relayer: PublicKey,
  author: Keypair,
  thread: PublicKey,
  contentHash: Uint8Array,
): TransactionInstruction[] {
  const ix = submitMessageInstruction({ payer: relayer, author: author.publicKey, thread, contentHash, relayed: true });
  const msg = messageCanonicalMessage(thread, contentHash);
  return relayed(ix, author.publicKey, msg, signEd25519(msg, author));
}

export function relayedVote(voter: Keypair, args: Omit<VoteArgs, 'voter' | 'relayed'>): TransactionInstruction[] {
  const ix = voteInstruction({ ...args, voter: voter.publicKey, relayed: true });
  const msg = voteCanonicalMessage(findMessageAddress(args.thread, args.contentHash, args.programId)[0], args.approve);
  return relayed(ix, voter.publicKey, msg, signEd25519(msg, voter));
}
