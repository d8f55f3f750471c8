/**
 * The event log's append for a large batch (a backfill, a catch-up), the lock already held: the tails, COPY (the
 * cheapest path per event: the INSERT … unnest(jsonb[]) it replaced spent ~48 µs per event escaping and re-parsing
 * payload arrays, COPY ~12 µs; the one-statement JSON append costs Postgres ~15 µs more per event than COPY in the
 * 50,000-update ingest bench), then the sequence and the NOTIFY: three round trips, which a large batch amortises.
 */
import type pg from 'pg';
import { copyRows } from '../db/copy-rows.js';
import type { AppendedEvent, NewEvent } from './types.js';

/**
 * Where the log ends: the last global sequence and, for each given thread, its last thread sequence (one index
 * probe per thread on events_thread_address_thread_sequence_key, not an aggregate over its history).
 */
const TAILS_SQL = `
SELECT (SELECT coalesce(max(sequence), 0) FROM events)::text AS base,
       t.thread_address,
       coalesce((SELECT e.thread_sequence FROM events e
                  WHERE e.thread_address = t.thread_address
                  ORDER BY e.thread_sequence DESC LIMIT 1), 0)::text AS thread_tail
  FROM unnest($1::text[]) AS t(thread_address)`;

/** The event log's columns, in the order `appendEvents` copies them. */
const COLUMNS = [
  'sequence',
  'thread_address',
  'thread_sequence',
  'type',
  'payload',
  'slot',
  'tx_signature',
  'instruction_index',
] as const;

/** Appends many events (the lock held) with COPY; returns them numbered. */
export async function appendByCopy(
  client: pg.ClientBase,
  events: readonly NewEvent[],
  channel: string,
): Promise<AppendedEvent[]> {
  const threads = [...new Set(events.map((e) => e.threadAddress))];
  const { rows: tails } = await client.query<{ base: string; thread_address: string; thread_tail: string }>(TAILS_SQL, [
    threads,
  ]);
  const threadTail = new Map(tails.map((t) => [t.thread_address, BigInt(t.thread_tail)]));
  let sequence = BigInt(tails[0]?.base ?? '0');
  const appended: AppendedEvent[] = events.map((e) => {
    const threadSequence = (threadTail.get(e.threadAddress) ?? 0n) + 1n;
    threadTail.set(e.threadAddress, threadSequence);
    sequence += 1n;
    return { ...e, sequence, threadSequence };
  });
  // Sequences are assigned here, under the lock, so the rows can go in with COPY.
  await copyRows(
    client,
    'events',
    COLUMNS,
    appended.map((e) => [
      e.sequence,
      e.threadAddress,
      e.threadSequence,
      e.type,
      JSON.stringify(e.payload),
      e.slot ?? null,
      e.txSignature ?? null,
      e.instructionIndex ?? null,
    ]),
  );
  // Keep the identity generator ahead too, so an INSERT relying on the column default can never collide.
  await client.query(`SELECT setval(pg_get_serial_sequence('events', 'sequence'), $1::int8), pg_notify($2, $1::text)`, [
    sequence.toString(),
    channel,
  ]);
  return appended;
}
