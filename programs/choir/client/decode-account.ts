// Decoders for Thread and Message account data. They never throw: malformed input gives
// { ok: false, error: ChoirError('SOLANA_ACCOUNT_MALFORMED') } with the reason in the message.
import { base58 } from './base58-cache.js';
import {
  ACCOUNT_KIND_MESSAGE,
  ACCOUNT_KIND_THREAD,
  MessageOffsets as M,
  MAX_CO_AUTHORS,
  MESSAGE_ACCOUNT_SIZE,
  MESSAGE_KIND_NAMES,
  MESSAGE_LAYOUT_VERSION,
  MESSAGE_STATUS_NAMES,
  MessageKind,
  type MessageKindName,
  MessageStatus,
  type MessageStatusName,
  ThreadOffsets as T,
  THREAD_ACCOUNT_SIZE,
  THREAD_LAYOUT_VERSION,
} from './layout.js';
import { type DecodeResult, fail, ok } from './result.js';

/** Addresses are base58 strings; 32-byte hashes and ids are Uint8Arrays; integers are bigints. */
export interface ThreadAccount {
  kind: 'thread';
  version: number;
  bump: number;
  threadId: Uint8Array;
  creator: string;
  coAuthors: string[];
  messageCount: bigint;
  specCount: bigint;
  contentRoot: Uint8Array;
  minStake: bigint;
  specLifetime: bigint;
  createdAt: bigint;
  createdSlot: bigint;
  updatedAt: bigint;
  updatedSlot: bigint;
  /**
   * Divest accounting (layout v2), as of the last fold (final approval or divest): lamports owed to each
   * co-author since creation. Income that arrived since (the thread's lamports above `accountedLamports`) is
   * not in it yet.
   */
  incomePerCoAuthor: bigint;
  /** The balance the program has accounted for (rent + income folded so far − withdrawals). */
  accountedLamports: bigint;
  /** Per co-author, in `coAuthors` order: `incomePerCoAuthor` when it joined. */
  coAuthorIncomeAtJoin: bigint[];
  /** Per co-author: its entitlement so far, `incomePerCoAuthor − coAuthorIncomeAtJoin[i]`. */
  coAuthorEntitlement: bigint[];
  /** Per co-author: lamports it has divested; it may still withdraw `coAuthorEntitlement[i] − coAuthorWithdrawn[i]`. */
  coAuthorWithdrawn: bigint[];
}

export interface MessageAccount {
  kind: 'message';
  version: number;
  bump: number;
  messageKind: MessageKindName;
  status: MessageStatusName;
  /** Bitmaps over co-author positions. */
  approvals: number;
  denials: number;
  thread: string;
  author: string;
  contentHash: Uint8Array;
  /** Position among the thread's messages (kind message) or among its specs (kind spec). */
  index: bigint;
  stake: bigint;
  expiresAt: bigint;
  createdAt: bigint;
  createdSlot: bigint;
  updatedAt: bigint;
  updatedSlot: bigint;
}

export type ChoirAccount = ThreadAccount | MessageAccount;

const MALFORMED = 'SOLANA_ACCOUNT_MALFORMED';

function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

const key = (data: Uint8Array, at: number) => base58.encode(data.subarray(at, at + 32));
const bytes = (data: Uint8Array, at: number, len = 32) => Uint8Array.from(data.subarray(at, at + len));
const allZero = (data: Uint8Array) => data.every((b) => b === 0);

export function decodeThreadAccount(data: Uint8Array): DecodeResult<ThreadAccount> {
  if (!(data instanceof Uint8Array)) return fail(MALFORMED, 'thread account data is not bytes');
  if (data.length !== THREAD_ACCOUNT_SIZE) {
    return fail(MALFORMED, `thread account must be ${THREAD_ACCOUNT_SIZE} bytes, got ${data.length}`);
  }
  const v = view(data);
  if (data[T.version] !== THREAD_LAYOUT_VERSION) {
    return fail(
      MALFORMED,
      `unknown thread layout version ${data[T.version]} (this client reads ${THREAD_LAYOUT_VERSION})`,
    );
  }
  if (data[T.kind] !== ACCOUNT_KIND_THREAD) return fail(MALFORMED, `account kind ${data[T.kind]} is not a thread`);
  const count = data[T.coAuthorCount] ?? 0;
  if (count < 1 || count > MAX_CO_AUTHORS) return fail(MALFORMED, `co-author count ${count} is out of 1..10`);
  if (!allZero(data.subarray(T.reserved, T.threadId))) return fail(MALFORMED, 'reserved thread bytes are not zero');
  if (!allZero(data.subarray(T.coAuthors + 32 * count, T.messageCount))) {
    return fail(MALFORMED, 'unused co-author slots are not zero');
  }
  const shares = decodeShares(v, count);
  if (typeof shares === 'string') return fail(MALFORMED, shares);
  return ok({
    kind: 'thread',
    version: THREAD_LAYOUT_VERSION,
    bump: data[T.bump] ?? 0,
    threadId: bytes(data, T.threadId),
    creator: key(data, T.creator),
    coAuthors: Array.from({ length: count }, (_, i) => key(data, T.coAuthors + 32 * i)),
    messageCount: v.getBigUint64(T.messageCount, true),
    specCount: v.getBigUint64(T.specCount, true),
    contentRoot: bytes(data, T.contentRoot),
    minStake: v.getBigUint64(T.minStake, true),
    specLifetime: v.getBigInt64(T.specLifetime, true),
    createdAt: v.getBigInt64(T.createdAt, true),
    createdSlot: v.getBigUint64(T.createdSlot, true),
    updatedAt: v.getBigInt64(T.updatedAt, true),
    updatedSlot: v.getBigUint64(T.updatedSlot, true),
    ...shares,
  });
}

type Shares = Pick<
  ThreadAccount,
  'incomePerCoAuthor' | 'accountedLamports' | 'coAuthorIncomeAtJoin' | 'coAuthorEntitlement' | 'coAuthorWithdrawn'
>;

/** The divest accounting, or what is impossible about it (the program never writes such a state). */
function decodeShares(v: DataView, count: number): Shares | string {
  const incomePerCoAuthor = v.getBigUint64(T.incomePerCoAuthor, true);
  const slot = (base: number, i: number) => v.getBigUint64(base + 8 * i, true);
  for (let i = count; i < MAX_CO_AUTHORS; i++) {
    if (slot(T.incomeAtJoin, i) !== 0n || slot(T.withdrawn, i) !== 0n)
      return 'unused co-author share slots are not zero';
  }
  const coAuthorIncomeAtJoin = Array.from({ length: count }, (_, i) => slot(T.incomeAtJoin, i));
  const coAuthorWithdrawn = Array.from({ length: count }, (_, i) => slot(T.withdrawn, i));
  const coAuthorEntitlement = coAuthorIncomeAtJoin.map((joined) => incomePerCoAuthor - joined);
  for (let i = 0; i < count; i++) {
    const entitled = coAuthorEntitlement[i] as bigint;
    if (entitled < 0n) return `co-author ${i} joined after the income level it records`;
    if ((coAuthorWithdrawn[i] as bigint) > entitled) return `co-author ${i} withdrew more than its entitlement`;
  }
  return {
    incomePerCoAuthor,
    accountedLamports: v.getBigUint64(T.accountedLamports, true),
    coAuthorIncomeAtJoin,
    coAuthorEntitlement,
    coAuthorWithdrawn,
  };
}

export function decodeMessageAccount(data: Uint8Array): DecodeResult<MessageAccount> {
  if (!(data instanceof Uint8Array)) return fail(MALFORMED, 'message account data is not bytes');
  if (data.length !== MESSAGE_ACCOUNT_SIZE) {
    return fail(MALFORMED, `message account must be ${MESSAGE_ACCOUNT_SIZE} bytes, got ${data.length}`);
  }
  const v = view(data);
  if (data[M.version] !== MESSAGE_LAYOUT_VERSION) {
    return fail(
      MALFORMED,
      `unknown message layout version ${data[M.version]} (this client reads ${MESSAGE_LAYOUT_VERSION})`,
    );
  }
  if (data[M.kind] !== ACCOUNT_KIND_MESSAGE) return fail(MALFORMED, `account kind ${data[M.kind]} is not a message`);
  const kind = data[M.messageKind] ?? 255;
  const status = data[M.status] ?? 255;
  const messageKind = MESSAGE_KIND_NAMES[kind];
  const statusName = MESSAGE_STATUS_NAMES[status];
  if (!messageKind) return fail(MALFORMED, `unknown message kind ${kind}`);
  if (!statusName) return fail(MALFORMED, `unknown message status ${status}`);
  if ((kind === MessageKind.Message) !== (status === MessageStatus.Published)) {
    return fail(MALFORMED, `status ${statusName} is impossible for a ${messageKind}`);
  }
  if (data[M.reserved] !== 0 || !allZero(data.subarray(M.reserved2, M.thread))) {
    return fail(MALFORMED, 'reserved message bytes are not zero');
  }
  const approvals = v.getUint16(M.approvals, true);
  const denials = v.getUint16(M.denials, true);
  if (approvals >= 1 << MAX_CO_AUTHORS || denials >= 1 << MAX_CO_AUTHORS || (approvals & denials) !== 0) {
    return fail(MALFORMED, 'vote bitmaps are inconsistent');
  }
  return ok({
    kind: 'message',
    version: MESSAGE_LAYOUT_VERSION,
    bump: data[M.bump] ?? 0,
    messageKind,
    status: statusName,
    approvals,
    denials,
    thread: key(data, M.thread),
    author: key(data, M.author),
    contentHash: bytes(data, M.contentHash),
    index: v.getBigUint64(M.index, true),
    stake: v.getBigUint64(M.stake, true),
    expiresAt: v.getBigInt64(M.expiresAt, true),
    createdAt: v.getBigInt64(M.createdAt, true),
    createdSlot: v.getBigUint64(M.createdSlot, true),
    updatedAt: v.getBigInt64(M.updatedAt, true),
    updatedSlot: v.getBigUint64(M.updatedSlot, true),
  });
}

/** Decodes any Choir account by its kind tag (byte 1). */
export function decodeAccount(data: Uint8Array): DecodeResult<ChoirAccount> {
  if (!(data instanceof Uint8Array) || data.length < 2)
    return fail(MALFORMED, 'account data is too short for a header');
  if (data[1] === ACCOUNT_KIND_THREAD) return decodeThreadAccount(data);
  if (data[1] === ACCOUNT_KIND_MESSAGE) return decodeMessageAccount(data);
  return fail(MALFORMED, `unknown account kind ${data[1]}`);
}
