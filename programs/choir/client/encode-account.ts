// Encoders for Thread and Message account data: the inverse of decode-account.ts (tests, devnet fixtures).
import bs58 from 'bs58';
import type { MessageAccount, ThreadAccount } from './decode-account.js';
import {
  ACCOUNT_KIND_MESSAGE,
  ACCOUNT_KIND_THREAD,
  MessageOffsets as M,
  MAX_CO_AUTHORS,
  MESSAGE_ACCOUNT_SIZE,
  MESSAGE_KIND_NAMES,
  MESSAGE_LAYOUT_VERSION,
  MESSAGE_STATUS_NAMES,
  ThreadOffsets as T,
  THREAD_ACCOUNT_SIZE,
  THREAD_LAYOUT_VERSION,
} from './layout.js';

function putKey(out: Uint8Array, at: number, base58: string): void {
  const key = bs58.decode(base58);
  if (key.length !== 32) throw new RangeError(`not a 32-byte key: ${base58}`);
  out.set(key, at);
}

type Accounting = 'incomePerCoAuthor' | 'accountedLamports' | 'coAuthorIncomeAtJoin' | 'coAuthorWithdrawn';

/**
 * A thread's fields; the divest accounting may be left out (zeros: nothing folded or withdrawn yet).
 * `coAuthorEntitlement` is derived from the others and ignored.
 */
export type ThreadAccountFields = Omit<ThreadAccount, 'kind' | 'version' | 'coAuthorEntitlement' | Accounting> &
  Partial<Pick<ThreadAccount, Accounting | 'coAuthorEntitlement'>>;

export function encodeThreadAccount(t: ThreadAccountFields): Uint8Array {
  if (t.coAuthors.length > MAX_CO_AUTHORS) throw new RangeError(`at most ${MAX_CO_AUTHORS} co-authors`);
  const out = new Uint8Array(THREAD_ACCOUNT_SIZE);
  const v = new DataView(out.buffer);
  out[T.version] = THREAD_LAYOUT_VERSION;
  out[T.kind] = ACCOUNT_KIND_THREAD;
  out[T.bump] = t.bump;
  out[T.coAuthorCount] = t.coAuthors.length;
  out.set(t.threadId, T.threadId);
  putKey(out, T.creator, t.creator);
  for (const [i, k] of t.coAuthors.entries()) putKey(out, T.coAuthors + 32 * i, k);
  v.setBigUint64(T.messageCount, t.messageCount, true);
  v.setBigUint64(T.specCount, t.specCount, true);
  out.set(t.contentRoot, T.contentRoot);
  v.setBigUint64(T.minStake, t.minStake, true);
  v.setBigInt64(T.specLifetime, t.specLifetime, true);
  v.setBigInt64(T.createdAt, t.createdAt, true);
  v.setBigUint64(T.createdSlot, t.createdSlot, true);
  v.setBigInt64(T.updatedAt, t.updatedAt, true);
  v.setBigUint64(T.updatedSlot, t.updatedSlot, true);
  v.setBigUint64(T.incomePerCoAuthor, t.incomePerCoAuthor ?? 0n, true);
  v.setBigUint64(T.accountedLamports, t.accountedLamports ?? 0n, true);
  for (const [i, joined] of (t.coAuthorIncomeAtJoin ?? []).entries()) {
    v.setBigUint64(T.incomeAtJoin + 8 * i, joined, true);
  }
  for (const [i, withdrawn] of (t.coAuthorWithdrawn ?? []).entries())
    v.setBigUint64(T.withdrawn + 8 * i, withdrawn, true);
  return out;
}

export function encodeMessageAccount(m: Omit<MessageAccount, 'kind' | 'version'>): Uint8Array {
  const out = new Uint8Array(MESSAGE_ACCOUNT_SIZE);
  const v = new DataView(out.buffer);
  out[M.version] = MESSAGE_LAYOUT_VERSION;
  out[M.kind] = ACCOUNT_KIND_MESSAGE;
  out[M.bump] = m.bump;
  out[M.messageKind] = MESSAGE_KIND_NAMES.indexOf(m.messageKind);
  out[M.status] = MESSAGE_STATUS_NAMES.indexOf(m.status);
  v.setUint16(M.approvals, m.approvals, true);
  v.setUint16(M.denials, m.denials, true);
  putKey(out, M.thread, m.thread);
  putKey(out, M.author, m.author);
  out.set(m.contentHash, M.contentHash);
  v.setBigUint64(M.index, m.index, true);
  v.setBigUint64(M.stake, m.stake, true);
  v.setBigInt64(M.expiresAt, m.expiresAt, true);
  v.setBigInt64(M.createdAt, m.createdAt, true);
  v.setBigUint64(M.createdSlot, m.createdSlot, true);
  v.setBigInt64(M.updatedAt, m.updatedAt, true);
  v.setBigUint64(M.updatedSlot, m.updatedSlot, true);
  return out;
}
