/**
 * The votes a Message record holds. The record keeps no list of voters, only two u16 bitmaps over co-author
 * positions (bit i = `co_authors[i]` of its thread approved, or denied); co-authors are only ever appended (a
 * divest withdraws income, it does not leave the list), so a position names the same co-author for the thread's
 * whole life and the bitmaps with the Thread account's list give every voter and their side.
 *
 * Which transaction cast a vote is not on the record: a vote re-created from it has no signature, as backfill
 * writes state it has no history for.
 */
import type { MessageAccount } from '../../programs/choir/client/index.js';

/** Voter → approve (true) or deny (false). */
export type VoteSet = ReadonlyMap<string, boolean>;

export function votesOnRecord(m: Pick<MessageAccount, 'approvals' | 'denials'>, coAuthors: readonly string[]): VoteSet {
  const votes = new Map<string, boolean>();
  for (let i = 0; i < coAuthors.length && i < 16; i++) {
    const bit = 1 << i;
    const voter = coAuthors[i] as string;
    if (m.approvals & bit) votes.set(voter, true);
    else if (m.denials & bit) votes.set(voter, false);
  }
  return votes;
}

/** How `stored` differs from `expected`, in words; null when they are equal. */
export function voteDifference(expected: VoteSet, stored: VoteSet): string | null {
  const parts: string[] = [];
  for (const [voter, approve] of expected) {
    const has = stored.get(voter);
    if (has === undefined) parts.push(`${voter} ${approve ? 'approved' : 'denied'} on chain, no vote in Postgres`);
    else if (has !== approve)
      parts.push(`${voter} ${approve ? 'approved' : 'denied'} on chain, the opposite in Postgres`);
  }
  for (const voter of stored.keys()) {
    if (!expected.has(voter)) parts.push(`${voter} has a vote in Postgres and none on chain`);
  }
  return parts.length === 0 ? null : parts.join('; ');
}
