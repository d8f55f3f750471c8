/** Event log pages in log order (global sequence), optionally one thread's or some types'. */
import { type EventRow, toStoredEvent } from '../../../events/event-row.js';
import type { EventType } from '../../../events/types.js';
import { eventCursor, eventSequence } from './cursor.js';
import { countOrEstimate } from './estimate.js';
import { type Page, toPage } from './page.js';
import { type EventRecord, prepared, type Sql } from './records.js';

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

/**
 * Events after a sequence, in log order. Only the filters given appear in the statement, which is prepared per
 * filter combination: the hub runs it on every commit and each subscription once to replay, so neither pays for
 * planning (a `$n IS NULL OR …` text would be planned on every execution).
 */
export async function eventsAfter(
  sql: Sql,
  after: bigint,
  limit: number,
  filter: EventFilter = {},
): Promise<EventRecord[]> {
  const conditions = ['e.sequence > $1'];
  const values: unknown[] = [after.toString(), limit];
  let shape = '';
  if (filter.threadAddress) {
    values.push(filter.threadAddress);
    conditions.push(`e.thread_address = $${values.length}`);
    shape += 't';
  }
  if (filter.types?.length) {
    values.push(filter.types);
    conditions.push(`e.type = ANY($${values.length}::event_type[])`);
    shape += 'y';
  }
  if (filter.threads) {
    values.push(filter.threads);
    conditions.push(`e.thread_address = ANY($${values.length}::text[])`);
    shape += 'n';
  }
  const { rows } = await sql.query<EventRow>(
    prepared(
      `events_after_${shape}`,
      `SELECT e.* FROM events e WHERE ${conditions.join(' AND ')} ORDER BY e.sequence LIMIT $2`,
    ),
    values,
  );
  return rows.map(toStoredEvent);
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
  const { rows } = await sql.query<EventRow>(
    `SELECT e.* FROM unnest($1::text[]) AS q(thread_address)
      CROSS JOIN LATERAL (SELECT * FROM events e
                           WHERE e.thread_address = q.thread_address AND e.sequence > $2
                             AND ($3::event_type[] IS NULL OR e.type = ANY($3))
                           ORDER BY e.sequence LIMIT $4) e`,
    [threadAddresses, eventSequence(args.after).toString(), types, args.first + 1],
  );
  const byThread = new Map<string, EventRecord[]>();
  for (const raw of rows) {
    const e = toStoredEvent(raw);
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

/** Each thread's last event (global and thread sequence; absent: no events), in one statement. */
export async function lastEventsByThread(
  sql: Sql,
  threadAddresses: readonly string[],
): Promise<Map<string, { sequence: bigint; threadSequence: number }>> {
  const { rows } = await sql.query<{ thread_address: string; sequence: string; thread_sequence: string }>(
    `SELECT q.thread_address, e.sequence::text AS sequence, e.thread_sequence::text AS thread_sequence
       FROM unnest($1::text[]) AS q(thread_address)
      CROSS JOIN LATERAL (SELECT e.sequence, e.thread_sequence FROM events e
                           WHERE e.thread_address = q.thread_address
                           ORDER BY e.thread_sequence DESC LIMIT 1) e`,
    [threadAddresses],
  );
  return new Map(
    rows.map((r) => [r.thread_address, { sequence: BigInt(r.sequence), threadSequence: Number(r.thread_sequence) }]),
  );
}
