/**
 * What the read layer hands resolvers: the indexer's row images (one table definition each, indexer/write/tables.ts)
 * plus the backend-owned columns the API shows (a thread's title, a message's content, row creation times).
 */

import type { MessageRow, ThreadRow, VoteRow } from '../../../../indexer/write/rows.js';
import { MESSAGES, THREADS, VOTES } from '../../../../indexer/write/tables.js';
import { fromRow, selectList } from '../../../db/table.js';
import type { StoredEvent } from '../../../events/types.js';

/**
 * A statement: its text, or text with a name, which makes pg prepare it once per connection (Postgres then reuses
 * the parse and, once it judges it safe, the plan: the hot reads pay neither per request).
 */
export type Statement = string | { readonly name: string; readonly text: string };

/** Anything that runs SQL: the pool, or a counting wrapper in tests. */
export interface Sql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    statement: Statement,
    values?: unknown[],
  ): Promise<{ rows: R[] }>;
  /** A pool can lend one connection (its backend's pid known), which lets a timed-out statement be cancelled. */
  connect?(): Promise<PooledConnection>;
}

export interface PooledConnection {
  query: Sql['query'];
  /** pg: a truthy argument destroys the connection instead of returning it to the pool. */
  release(destroy?: boolean | Error): void;
  readonly processID?: number | null;
}

export const statementText = (s: Statement): string => (typeof s === 'string' ? s : s.text);

/**
 * A named (prepared) statement. `name` must stand for one text only: callers derive it from everything the text
 * depends on (which relations, which filters, which order), which is cheaper per request than hashing the text.
 */
export function prepared(name: string, text: string): Statement {
  return { name: `choir_${name}`, text };
}

export type ThreadRecord = Omit<ThreadRow, 'coAuthors' | 'coAuthorSlots'> & { title: string | null; createdAt: string };
export type MessageRecord = MessageRow & {
  content: string | null;
  createdAt: string;
  /** What the pipeline recorded when it rolled the message back (`CODE: message`); null unless ROLLED_BACK. */
  rollbackError?: string | null;
};
export type VoteRecord = VoteRow & { createdAt: string };
export type EventRecord = StoredEvent;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${ISO})`;

export const THREAD_COLUMNS = `${selectList(THREADS, 't')}, t.title, ${iso('t.created_at')} AS created_at`;
/** A rolled-back row's reason (src/pipeline/rollback.ts writes `CODE: message` to last_error). */
const ROLLBACK_ERROR = `CASE WHEN m.status = 'ROLLED_BACK' THEN m.last_error END`;
export const MESSAGE_COLUMNS = `${selectList(MESSAGES, 'm')}, m.content, ${iso('m.created_at')} AS created_at, ${ROLLBACK_ERROR} AS rollback_error`;
export const VOTE_COLUMNS = `${selectList(VOTES, 'v')}, ${iso('v.created_at')} AS created_at`;

/**
 * A row as a JSON object keyed by the record's own field names, for rows Postgres folds into JSON (a thread page
 * in one statement): the parsed JSON is the record, with no per-row mapping. int8 values leave as decimal strings,
 * as pg hands them over in plain rows (a JSON number loses precision past 2^53); times as the same ISO strings.
 */
function jsonRecord(
  def: { columns: readonly { field: string; column: string; type: string; asString?: boolean }[] },
  alias: string,
  extra: Record<string, string>,
  only: ReadonlySet<string> | null = null,
): { sql: string; shape: string } {
  const pairs: string[] = [];
  // Which fields are in, as a bit mask over the columns then the extras: names a prepared statement per field set.
  let mask = 0n;
  let bit = 1n;
  for (const c of def.columns) {
    if (!only || only.has(c.field)) {
      const ref = `${alias}.${c.column}`;
      const value = c.type === 'int8' || c.asString ? `${ref}::text` : c.type === 'timestamptz' ? iso(ref) : ref;
      pairs.push(`'${c.field}', ${value}`);
      mask |= bit;
    }
    bit <<= 1n;
  }
  for (const [field, sql] of Object.entries(extra)) {
    if (!only || only.has(field)) {
      pairs.push(`'${field}', ${sql}`);
      mask |= bit;
    }
    bit <<= 1n;
  }
  return { sql: `json_build_object(${pairs.join(', ')})`, shape: mask.toString(36) };
}

/**
 * A message as JSON keyed like MessageRecord: every field, or only `fields` (what an operation selects: a page
 * of 20 messages then carries 10 fields, not 25). `extra` adds computed fields (always included).
 */
export const MESSAGE_JSON = (extra: Record<string, string> = {}, fields: readonly string[] | null = null) => {
  const base = jsonRecord(
    MESSAGES,
    'm',
    {
      hasContent: 'm.content IS NOT NULL',
      content: 'm.content',
      createdAt: iso('m.created_at'),
      rollbackError: ROLLBACK_ERROR,
    },
    fields ? new Set(fields) : null,
  );
  const added = Object.entries(extra).map(([field, sql]) => `, '${field}', ${sql}`);
  return { sql: base.sql.replace(/\)$/, `${added.join('')})`), shape: base.shape };
};
/** A vote as JSON keyed like VoteRecord: every field, or only `fields` (what the operation's `votes` select). */
export const VOTE_JSON = (fields: readonly string[] | null = null) =>
  jsonRecord(VOTES, 'v', { createdAt: iso('v.created_at') }, fields ? new Set(fields) : null);

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
  row.rollbackError = raw.rollback_error;
  return row;
}

export function toVote(raw: Raw): VoteRecord {
  const row = fromRow(VOTES, raw) as VoteRecord;
  row.createdAt = raw.created_at;
  return row;
}
