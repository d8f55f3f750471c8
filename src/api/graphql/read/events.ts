/** Event log pages in log order (global sequence), optionally one thread's or some types'. */
import type { EventType } from '../../../events/types.js';
import { eventCursor, eventSequence } from './cursor.js';
import { countOrEstimate } from './estimate.js';
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
    () =>
      !args.threadAddress && !args.types?.length
        ? countOrEstimate(sql, 'events', () => countEvents(sql, args))
        : countEvents(sql, args),
  );
}

async function countEvents(sql: Sql, args: Pick<EventPageArgs, 'types' | 'threadAddress'>): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events e WHERE ${FILTER}`, [
    args.threadAddress ?? null,
    args.types?.length ? args.types : null,
  ]);
  return rows[0]?.n ?? 0;
}

/** The same page of each of many threads' events, in one statement (Thread.events over a page of threads). */
export async function eventPagesByThread(
  sql: Sql,
  threadAddresses: readonly string[],
  args: Omit<EventPageArgs, 'threadAddress'>,
): Promise<Map<string, Page<EventRecord>>> {
  const types = args.types?.length ? args.types : null;
  const { rows } = await sql.query(
    `SELECT e.* FROM unnest($1::text[]) AS q(thread_address)
      CROSS JOIN LATERAL (SELECT * FROM events e
                           WHERE e.thread_address = q.thread_address AND e.sequence > $2
                             AND ($3::event_type[] IS NULL OR e.type = ANY($3))
                           ORDER BY e.sequence LIMIT $4) e`,
    [threadAddresses, eventSequence(args.after).toString(), types, args.first + 1],
  );
  const byThread = new Map<string, EventRecord[]>();
  for (const raw of rows) {
    const e = toEvent(raw);
    const list = byThread.get(e.threadAddress);
    if (list) list.push(e);
    else byThread.set(e.threadAddress, [e]);
  }
  const out = new Map<string, Page<EventRecord>>();
  for (const address of threadAddresses) {
    const filter = { ...args, threadAddress: address };
    out.set(
      address,
      toPage(
        byThread.get(address) ?? [],
        args.first,
        args.after,
        (e) => eventCursor(e.sequence),
        () => countEvents(sql, filter),
      ),
    );
  }
  return out;
}

/** The last sequence in the log (0 when empty). */
export async function lastSequence(sql: Sql): Promise<bigint> {
  const { rows } = await sql.query<{ s: string | null }>('SELECT max(sequence)::text AS s FROM events');
  return BigInt(rows[0]?.s ?? '0');
}
