/**
 * What the read layer hands resolvers: the indexer's row images (one table definition each, indexer/write/tables.ts)
 * plus the backend-owned columns the API shows (a thread's title, a message's content, row creation times).
 */

import type { MessageRow, ThreadRow, VoteRow } from '../../../../indexer/write/rows.js';
import { MESSAGES, THREADS, VOTES } from '../../../../indexer/write/tables.js';
import { fromRow, selectList } from '../../../db/table.js';
import type { StoredEvent } from '../../../events/types.js';

/** Anything that runs SQL: the pool, or a counting wrapper in tests. */
export interface Sql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[] }>;
}

export type ThreadRecord = Omit<ThreadRow, 'coAuthors' | 'coAuthorSlots'> & { title: string | null; createdAt: string };
export type MessageRecord = MessageRow & { content: string | null; createdAt: string };
export type VoteRecord = VoteRow & { createdAt: string };
export type EventRecord = StoredEvent;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${ISO})`;

export const THREAD_COLUMNS = `${selectList(THREADS, 't')}, t.title, ${iso('t.created_at')} AS created_at`;
export const MESSAGE_COLUMNS = `${selectList(MESSAGES, 'm')}, m.content, ${iso('m.created_at')} AS created_at`;
export const VOTE_COLUMNS = `${selectList(VOTES, 'v')}, ${iso('v.created_at')} AS created_at`;

// biome-ignore lint/suspicious/noExplicitAny: raw rows straight from pg
type Raw = any;

export function toThread(raw: Raw): ThreadRecord {
  const row = fromRow(THREADS, raw) as unknown as ThreadRecord;
  row.title = raw.title;
  row.createdAt = raw.created_at;
  return row;
}

export function toMessage(raw: Raw): MessageRecord {
  const row = fromRow(MESSAGES, raw) as MessageRecord;
  row.content = raw.content;
  row.createdAt = raw.created_at;
  return row;
}

export function toVote(raw: Raw): VoteRecord {
  const row = fromRow(VOTES, raw) as VoteRecord;
  row.createdAt = raw.created_at;
  return row;
}

export function toEvent(r: Raw): EventRecord {
  return {
    sequence: BigInt(r.sequence),
    threadAddress: r.thread_address,
    threadSequence: BigInt(r.thread_sequence),
    type: r.type,
    payload: r.payload,
    slot: r.slot === null ? null : BigInt(r.slot),
    txSignature: r.tx_signature,
    instructionIndex: r.instruction_index,
    createdAt: r.created_at,
  };
}
