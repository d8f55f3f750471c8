// Instruction builders (web3.js v1 types). Account order and data layouts are the program's; see README.md.
import {
  Ed25519Program,
  type PublicKey,
  SYSVAR_INSTRUCTIONS_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from '@solana/web3.js';
import type { ThreadTerms } from './canonical.js';
import { InstructionTag, MAX_CO_AUTHORS } from './layout.js';
import { findMessageAddress, findThreadAddress } from './pda.js';
import { CHOIR_PROGRAM_ID } from './program-id.js';

type Meta = TransactionInstruction['keys'][number];
const w = (pubkey: PublicKey, isSigner = false): Meta => ({ pubkey, isSigner, isWritable: true });
const r = (pubkey: PublicKey, isSigner = false): Meta => ({ pubkey, isSigner, isWritable: false });

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, value));
  return b;
}

function i64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, value));
  return b;
}

function hash32(name: string, value: Uint8Array): Buffer {
  if (value.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${value.length}`);
  return Buffer.from(value);
}

/** `threadId`, `coAuthors` (1..=10 distinct keys, creator first), `minStake`, `specLifetime` (0 = 7 days). */
export interface CreateThreadArgs extends ThreadTerms {
  payer: PublicKey;
  /** Must equal coAuthors[0]. */
  creator: PublicKey;
  /**
   * True when the creator does not sign: pair it with an Ed25519 instruction over
   * `threadCanonicalMessage(args)` (see `relayed`).
   */
  relayed?: boolean;
}

export function createThreadInstruction(args: CreateThreadArgs): TransactionInstruction {
  const programId = args.programId ?? CHOIR_PROGRAM_ID;
  if (args.coAuthors.length === 0 || args.coAuthors.length > MAX_CO_AUTHORS) {
    throw new RangeError(`coAuthors must hold 1..${MAX_CO_AUTHORS} keys`);
  }
  const [thread] = findThreadAddress(args.threadId, programId);
  const data = Buffer.concat([
    Uint8Array.of(InstructionTag.CreateThread),
    hash32('threadId', args.threadId),
    u64(args.minStake),
    i64(args.specLifetime ?? 0n),
    Uint8Array.of(args.coAuthors.length),
    ...args.coAuthors.map((k) => k.toBuffer()),
  ]);
  return new TransactionInstruction({
    programId,
    keys: [
      w(args.payer, true),
      r(args.creator, !args.relayed),
      w(thread),
      r(SystemProgram.programId),
      r(SYSVAR_INSTRUCTIONS_PUBKEY),
    ],
    data,
  });
}

export interface SubmitMessageArgs {
  payer: PublicKey;
  author: PublicKey;
  thread: PublicKey;
  contentHash: Uint8Array;
  relayed?: boolean;
  programId?: PublicKey;
  /**
   * The message account (`findMessageAddress(thread, contentHash)`) when the caller already holds it, e.g. a relayer
   * sending a message the backend accepted under that address: the derivation's curve checks cost ~0.3 ms. A wrong
   * address fails on chain (the program checks the seeds).
   */
  message?: PublicKey;
}

export function submitMessageInstruction(args: SubmitMessageArgs): TransactionInstruction {
  const programId = args.programId ?? CHOIR_PROGRAM_ID;
  const message = args.message ?? findMessageAddress(args.thread, args.contentHash, programId)[0];
  return new TransactionInstruction({
    programId,
    keys: [
      w(args.payer, true),
      r(args.author, !args.relayed),
      w(args.thread),
      w(message),
      r(SystemProgram.programId),
      r(SYSVAR_INSTRUCTIONS_PUBKEY),
    ],
    data: Buffer.concat([Uint8Array.of(InstructionTag.SubmitMessage), hash32('contentHash', args.contentHash)]),
  });
}

export interface SubmitSpecArgs {
  /** Signs, pays the rent and the stake. */
  author: PublicKey;
  thread: PublicKey;
  contentHash: Uint8Array;
  stake: bigint;
  programId?: PublicKey;
}

export function submitSpecInstruction(args: SubmitSpecArgs): TransactionInstruction {
  const programId = args.programId ?? CHOIR_PROGRAM_ID;
  const [message] = findMessageAddress(args.thread, args.contentHash, programId);
  return new TransactionInstruction({
    programId,
    keys: [w(args.author, true), w(args.thread), w(message), r(SystemProgram.programId)],
    data: Buffer.concat([
      Uint8Array.of(InstructionTag.SubmitSpec),
      hash32('contentHash', args.contentHash),
      u64(args.stake),
    ]),
  });
}

export interface VoteArgs {
  voter: PublicKey;
  thread: PublicKey;
  contentHash: Uint8Array;
  approve: boolean;
  /**
   * The thread's co-authors in order. Required (as payees of the stake) when this vote completes a unanimous
   * approval; harmless otherwise. Pass `thread.coAuthors` from the decoded thread.
   */
  payees?: readonly PublicKey[];
  relayed?: boolean;
  programId?: PublicKey;
}

export function voteInstruction(args: VoteArgs): TransactionInstruction {
  const programId = args.programId ?? CHOIR_PROGRAM_ID;
  const [message] = findMessageAddress(args.thread, args.contentHash, programId);
  return new TransactionInstruction({
    programId,
    keys: [
      r(args.voter, !args.relayed),
      w(args.thread),
      w(message),
      r(SYSVAR_INSTRUCTIONS_PUBKEY),
      ...(args.payees ?? []).map((k) => w(k)),
    ],
    data: Buffer.concat([
      Uint8Array.of(InstructionTag.Vote),
      hash32('contentHash', args.contentHash),
      Uint8Array.of(args.approve ? 1 : 0),
    ]),
  });
}

export interface ExpireSpecArgs {
  thread: PublicKey;
  contentHash: Uint8Array;
  programId?: PublicKey;
}

/** Anyone may send it (no signer besides the fee payer). */
export function expireSpecInstruction(args: ExpireSpecArgs): TransactionInstruction {
  const programId = args.programId ?? CHOIR_PROGRAM_ID;
  const [message] = findMessageAddress(args.thread, args.contentHash, programId);
  return new TransactionInstruction({
    programId,
    keys: [w(args.thread), w(message)],
    data: Buffer.concat([Uint8Array.of(InstructionTag.ExpireSpec), hash32('contentHash', args.contentHash)]),
  });
}

export interface DivestArgs {
  coAuthor: PublicKey;
  thread: PublicKey;
  programId?: PublicKey;
}

export function divestInstruction(args: DivestArgs): TransactionInstruction {
  return new TransactionInstruction({
    programId: args.programId ?? CHOIR_PROGRAM_ID,
    keys: [w(args.coAuthor, true), w(args.thread)],
    data: Buffer.from([InstructionTag.Divest]),
  });
}

/**
 * A relayed call: the Ed25519 precompile instruction verifying `signature` by `signer` over `message` (the
 * canonical message), immediately followed by the program instruction (built with `relayed: true`). The
 * program requires exactly this order.
 */
export function relayed(
  programInstruction: TransactionInstruction,
  signer: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): [TransactionInstruction, TransactionInstruction] {
  const ed25519 = Ed25519Program.createInstructionWithPublicKey({
    publicKey: signer.toBytes(),
    message,
    signature,
  });
  return [ed25519, programInstruction];
}
