/**
 * The indexer's in-memory images of chain rows. int8 columns are decimal strings (what pg returns and accepts, and
 * JSON-safe for the undo log), timestamps ISO strings. `fromThreadAccount` / `fromMessageAccount` map a decoded
 * account onto a row, keeping the backend-owned columns of an existing row.
 */
import type { MessageAccount, ThreadAccount } from '../../programs/choir/client/index.js';

export type Commitment = 'PROCESSED' | 'CONFIRMED' | 'FINALIZED';
export type PipelineStatus = 'PENDING' | 'STORED' | 'RECORDED' | 'CONFIRMED' | 'FINALIZED' | 'ROLLED_BACK';

export interface Provenance {
  slot: string;
  writeVersion: string;
  txSignature: string | null;
  instructionIndex: number | null;
  commitment: Commitment;
}

export interface ThreadRow extends Provenance {
  address: string;
  threadId: string;
  creator: string;
  /** Co-authors in on-chain order, with the slot each was first seen at. */
  coAuthors: string[];
  coAuthorSlots: string[];
  /** Per co-author (same order): its entitlement and what it has withdrawn (divest accounting, lamports). */
  coAuthorEntitlements: string[];
  coAuthorWithdrawn: string[];
  incomePerCoAuthor: string;
  accountedLamports: string;
  messageCount: string;
  specCount: string;
  contentRoot: string;
  minStake: string;
  specLifetime: string;
  lamports: string;
  chainCreatedAt: string | null;
}

export interface MessageRow extends Omit<Provenance, 'slot' | 'commitment'> {
  /** The message's identity: its record address (the Message PDA of thread and content hash). */
  address: string;
  threadAddress: string;
  /** Unique within the thread only: the same content may be posted in many threads. */
  contentHash: string;
  author: string;
  kind: 'MESSAGE' | 'SPEC';
  status: PipelineStatus;
  chainStatus: 'PUBLISHED' | 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | null;
  indexInThread: number | null;
  stake: string;
  expiresAt: string | null;
  approveBitmap: number;
  denyBitmap: number;
  approvals: number;
  denials: number;
  /** Null for a message the backend accepted that the chain has not shown yet. */
  slot: string | null;
  commitment: Commitment | null;
  chainCreatedAt: string | null;
  /** Whether the backend holds its content (and so the vector store a point): read-only here. */
  hasContent: boolean;
}

export interface VoteRow {
  messageAddress: string;
  voter: string;
  approve: boolean;
  slot: string;
  txSignature: string | null;
  instructionIndex: number | null;
  commitment: Commitment;
}

/** The undo log's and the overlay's key of a vote: the message's address and the voter (base58 has no ':'). */
export const voteKey = (v: Pick<VoteRow, 'messageAddress' | 'voter'>) => `${v.messageAddress}:${v.voter}`;

/** One row of `thread_co_authors`. */
export interface CoAuthorRow {
  threadAddress: string;
  position: number;
  pubkey: string;
  addedSlot: string;
  entitlement: string;
  withdrawn: string;
}

// A view, not a copy: this runs for every streamed account.
export const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const isoFromUnix = (seconds: bigint) => (seconds > 0n ? new Date(Number(seconds) * 1000).toISOString() : null);
const popcount = (bits: number) => {
  let n = 0;
  for (let b = bits; b; b &= b - 1) n++;
  return n;
};

/** Is (slot, writeVersion) strictly newer than what a row holds? Rows never seen on chain have slot null. */
export function isNewer(slot: bigint, writeVersion: bigint, row: { slot: string | null; writeVersion: string }) {
  if (row.slot === null) return true;
  const rowSlot = BigInt(row.slot);
  return slot > rowSlot || (slot === rowSlot && writeVersion > BigInt(row.writeVersion));
}

export function fromThreadAccount(
  address: string,
  a: ThreadAccount,
  lamports: bigint,
  p: Provenance,
  previous: ThreadRow | undefined,
): ThreadRow {
  const coAuthorSlots = a.coAuthors.map((key, i) =>
    previous?.coAuthors[i] === key ? (previous.coAuthorSlots[i] as string) : p.slot,
  );
  // Fields listed, not spread: `{ ...p, <many more> }` takes V8's slow path (about 25 µs per object here, 1,000×
  // the literal), and this runs for every streamed account.
  return {
    slot: p.slot,
    writeVersion: p.writeVersion,
    txSignature: p.txSignature,
    instructionIndex: p.instructionIndex,
    commitment: p.commitment,
    address,
    threadId: hex(a.threadId),
    creator: a.creator,
    coAuthors: [...a.coAuthors],
    coAuthorSlots,
    coAuthorEntitlements: a.coAuthorEntitlement.map(String),
    coAuthorWithdrawn: a.coAuthorWithdrawn.map(String),
    incomePerCoAuthor: a.incomePerCoAuthor.toString(),
    accountedLamports: a.accountedLamports.toString(),
    messageCount: a.messageCount.toString(),
    specCount: a.specCount.toString(),
    contentRoot: hex(a.contentRoot),
    minStake: a.minStake.toString(),
    specLifetime: a.specLifetime.toString(),
    lamports: lamports.toString(),
    chainCreatedAt: isoFromUnix(a.createdAt),
  };
}

const CHAIN_STATUS = {
  Published: 'PUBLISHED',
  Pending: 'PENDING',
  Approved: 'APPROVED',
  Rejected: 'REJECTED',
  Expired: 'EXPIRED',
} as const;

/**
 * The backend's pipeline status once the chain shows the message: anything short of recorded (or rolled back by
 * the pipeline, while the chain has it after all) becomes RECORDED; CONFIRMED/FINALIZED only move by commitment —
 * the row's own (a change applied at or behind the confirmed slot, as in a backfill, is written confirmed and no
 * later status promotes it) or an earlier one (a later vote at processed does not make a confirmed record less so).
 */
function pipelineStatus(previous: MessageRow | undefined, commitment: Commitment): PipelineStatus {
  const s = previous?.status;
  if (commitment === 'FINALIZED' || s === 'FINALIZED') return 'FINALIZED';
  if (commitment === 'CONFIRMED' || s === 'CONFIRMED') return 'CONFIRMED';
  return 'RECORDED';
}

export function fromMessageAccount(
  address: string,
  a: MessageAccount,
  p: Provenance,
  previous: MessageRow | undefined,
): MessageRow {
  return {
    slot: p.slot,
    writeVersion: p.writeVersion,
    txSignature: p.txSignature,
    instructionIndex: p.instructionIndex,
    commitment: p.commitment,
    address,
    threadAddress: a.thread,
    contentHash: hex(a.contentHash),
    author: a.author,
    kind: a.messageKind === 'spec' ? 'SPEC' : 'MESSAGE',
    status: pipelineStatus(previous, p.commitment),
    chainStatus: CHAIN_STATUS[a.status],
    indexInThread: Number(a.index),
    stake: a.stake.toString(),
    expiresAt: a.messageKind === 'spec' ? isoFromUnix(a.expiresAt) : null,
    approveBitmap: a.approvals,
    denyBitmap: a.denials,
    approvals: popcount(a.approvals),
    denials: popcount(a.denials),
    chainCreatedAt: isoFromUnix(a.createdAt),
    hasContent: previous?.hasContent ?? false,
  };
}
