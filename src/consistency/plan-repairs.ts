/**
 * What reconcile does about each difference (pure): the chain is the truth, Postgres and the vector store are
 * rebuilt from it, and content — which only exists off chain — is taken from whichever copy still hashes to the
 * on-chain content hash (Postgres first, then the point). A difference nothing can repair (a root mismatch, content
 * no copy holds any more) is left in `unrepaired`; lost content is flagged once on its row so it can be found.
 */
import type { MessageAccount } from '../../programs/choir/client/index.js';
import { hexOf, holdsContent } from './compare.js';
import type { ThreadState } from './read-state.js';
import type { Difference } from './types.js';

export type RepairAction =
  /** Upsert the message's point (content re-embedded, metadata from the chain and its row). */
  | 'restore_point'
  /** Only the point's co-authors were wrong: set them to the chain's. */
  | 'rewrite_point_co_authors'
  /** Insert the message's row from its on-chain record (content from a copy when one exists), and its votes. */
  | 'reindex_message_row'
  /** Insert the thread's row and co-authors from its on-chain account. */
  | 'reindex_thread_row'
  /** Set the row's content hash and author to the chain's. */
  | 'rewrite_row'
  /** Rewrite the thread's co-author rows from its on-chain account. */
  | 'rewrite_co_authors'
  /** Mark the row: its content exists nowhere off chain (last_error `CONTENT_LOST: …`). */
  | 'flag_content_lost'
  /** Make the message's vote rows those of its record's bitmaps (record-votes.ts). */
  | 'rewrite_votes';

export interface Repair {
  readonly action: RepairAction;
  /** The difference it repairs. */
  readonly difference: Difference;
  /** For restore_point and reindex_message_row: the content to write (a copy that hashes to the record). */
  readonly content?: string;
}

export interface RepairPlan {
  readonly repairs: Repair[];
  readonly unrepaired: Difference[];
}

export const CONTENT_LOST_PREFIX = 'CONTENT_LOST';

/** A copy of the record's content: Postgres first, then the point. */
export function contentCopy(state: ThreadState, address: string, m: MessageAccount): string | undefined {
  const hash = hexOf(m.contentHash);
  const row = state.rows.get(address)?.content;
  if (holdsContent(row, hash)) return row;
  const point = state.points.get(address)?.content;
  if (holdsContent(point, hash)) return point;
  return undefined;
}

export function planRepairs(state: ThreadState, differences: readonly Difference[]): RepairPlan {
  const repairs: Repair[] = [];
  const unrepaired: Difference[] = [];
  const flagged = new Set<string>();
  const flagLost = (difference: Difference) => {
    const row = state.rows.get(difference.address);
    // Flagged once: a later run finds the same loss and leaves the row (and the event log) alone.
    if (flagged.has(difference.address) || row?.last_error?.startsWith(CONTENT_LOST_PREFIX)) {
      unrepaired.push(difference);
      return;
    }
    flagged.add(difference.address);
    repairs.push({ action: 'flag_content_lost', difference });
  };

  for (const difference of differences) {
    const { address, kind } = difference;
    const m = state.chain.messages.get(address);
    switch (kind) {
      case 'missing_point':
      case 'payload_mismatch': {
        if (!m) {
          unrepaired.push(difference);
          break;
        }
        const point = state.points.get(address);
        const onlyCoAuthors =
          kind === 'payload_mismatch' &&
          point !== undefined &&
          point.content_hash === hexOf(m.contentHash) &&
          point.author === m.author &&
          point.thread_id === state.threadAddress &&
          holdsContent(point.content, point.content_hash);
        if (onlyCoAuthors) {
          repairs.push({ action: 'rewrite_point_co_authors', difference });
          break;
        }
        const content = contentCopy(state, address, m);
        if (content === undefined) flagLost(difference);
        else repairs.push({ action: 'restore_point', difference, content });
        break;
      }
      case 'missing_row': {
        if (address === state.threadAddress) {
          repairs.push({ action: 'reindex_thread_row', difference });
          break;
        }
        if (!m) {
          unrepaired.push(difference);
          break;
        }
        const content = contentCopy(state, address, m);
        repairs.push({ action: 'reindex_message_row', difference, ...(content === undefined ? {} : { content }) });
        break;
      }
      case 'row_mismatch':
        repairs.push({ action: 'rewrite_row', difference });
        break;
      case 'co_author_mismatch':
        repairs.push({ action: 'rewrite_co_authors', difference });
        break;
      case 'vote_mismatch':
        repairs.push({ action: 'rewrite_votes', difference });
        break;
      case 'content_lost':
        flagLost(difference);
        break;
      case 'root_mismatch':
        // Both sides are the chain's own data: nothing off chain to repair.
        unrepaired.push(difference);
        break;
    }
  }
  return { repairs, unrepaired };
}
