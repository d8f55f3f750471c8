/** Event log pages in log order (global sequence), optionally one thread's or some types'. */
import type { EventType } from '../../../events/types.js';
import { eventCursor, eventSequence } from './cursor.js';
import { type Page, toPage } from './page.js';
import { type EventRecord, type Sql, toEvent } from './records.js';

export interface EventPageArgs {
  first: number;
  after?: string | null;
  types?: readonly EventType[] | null;
  threadAddress?: string | null;
}

const FILTER = `($1::text IS NULL OR e.thread_address = $1) AND ($2::event_type[] IS NULL OR e.type = ANY($2))`;

export interface EventFilter extends Pick<EventPageArgs, 'types' | 'threadAddress'> {
  /** Any of these threads (notifications: the threads a key co-authors). */
  threads?: readonly string[] | null;
}

export async function eventsAfter(
  sql: Sql,
  after: bigint,
  limit: number,
  filter: EventFilter = {},
): Promise<EventRecord[]> {
  const { rows } = await sql.query(
    `SELECT e.* FROM events e
      WHERE ${FILTER} AND ($5::text[] IS NULL OR e.thread_address = ANY($5)) AND e.sequence > $3
      ORDER BY e.sequence LIMIT $4`,
    [
      filter.threadAddress ?? null,
      filter.types?.length ? filter.types : null,
      after.toString(),
      limit,
      filter.threads ?? null,
    ],
  );
  return rows.map(toEvent);
}

export async function eventPage(sql: Sql, args: EventPageArgs): Promise<Page<EventRecord>> {
  const rows = await eventsAfter(sql, eventSequence(args.after), args.first + 1, args);
  return toPage(
    rows,
    args.first,
    args.after,
    (e) => eventCursor(e.sequence),
    async () => {
      const { rows: n } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events e WHERE ${FILTER}`, [
        args.threadAddress ?? null,
        args.types?.length ? args.types : null,
      ]);
      return n[0]?.n ?? 0;
    },
  );
}

/** The last sequence in the log (0 when empty). */
export async function lastSequence(sql: Sql): Promise<bigint> {
  const { rows } = await sql.query<{ s: string | null }>('SELECT max(sequence)::text AS s FROM events');
  return BigInt(rows[0]?.s ?? '0');
}
