/**
 * The event-log writer. Every writer of events (the indexer, and later the submission pipeline) appends through
 * `appendEvents` inside its own transaction, so events commit or vanish with the rows that caused them.
 *
 * Ordering contract, which subscribers rely on when they replay "after sequence N":
 * - `appendEvents` first takes the transaction-scoped advisory lock `EVENT_LOG_LOCK_KEY`. Writers therefore append
 *   one transaction at a time, and the global sequence increases in COMMIT order: a reader that has seen sequence N
 *   committed will never later see a smaller one appear.
 * - Sequences are assigned explicitly as max + 1.. (not from the identity's generator) under that lock, so the
 *   log has no holes even when a transaction rolls back or the process is killed mid-batch. Replaying the same
 *   stream into a fresh database yields the same sequences.
 * - Within a call, events keep the order given; the caller lists a cause before its effects.
 * - The same transaction sends `NOTIFY choir_events, '<last sequence>'`; Postgres delivers it only on commit.
 */
import type pg from 'pg';
import type { AppendedEvent, NewEvent } from './types.js';

/** `pg_advisory_xact_lock` key serialising event-log writers (ASCII "choirevt" folded into a signed int8). */
export const EVENT_LOG_LOCK_KEY = 7_163_097_706_014_275_188n;
/** The channel API instances LISTEN on; the payload is the last sequence the committing transaction appended. */
export const EVENT_CHANNEL = 'choir_events';

const APPEND_SQL = `
WITH input AS (
  SELECT *
    FROM unnest($1::text[], $2::event_type[], $3::jsonb[], $4::int8[], $5::text[], $6::int2[])
         WITH ORDINALITY AS t(thread_address, type, payload, slot, tx_signature, instruction_index, ord)
), base AS (
  SELECT coalesce(max(sequence), 0) AS seq FROM events
), thread_base AS (
  -- One index probe per thread (the newest entry of events_thread_address_thread_sequence_key), not an aggregate
  -- over the thread's whole history.
  SELECT t.thread_address,
         (SELECT e.thread_sequence FROM events e
           WHERE e.thread_address = t.thread_address
           ORDER BY e.thread_sequence DESC LIMIT 1) AS seq
    FROM (SELECT DISTINCT thread_address FROM input) t
)
INSERT INTO events (sequence, thread_address, thread_sequence, type, payload, slot, tx_signature, instruction_index)
SELECT base.seq + i.ord,
       i.thread_address,
       coalesce(tb.seq, 0) + row_number() OVER (PARTITION BY i.thread_address ORDER BY i.ord),
       i.type, i.payload, i.slot, i.tx_signature, i.instruction_index
  FROM input i
 CROSS JOIN base
  LEFT JOIN thread_base tb ON tb.thread_address = i.thread_address
 ORDER BY i.ord
RETURNING sequence, thread_sequence`;

/**
 * Appends `events` in order inside the caller's open transaction (`client` must be in BEGIN) and queues the
 * NOTIFY. Returns them with their sequences. Set-based: one INSERT for the whole batch.
 */
export async function appendEvents(client: pg.ClientBase, events: readonly NewEvent[]): Promise<AppendedEvent[]> {
  if (events.length === 0) return [];
  await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK_KEY.toString()]);
  const { rows } = await client.query<{ sequence: string; thread_sequence: string }>(APPEND_SQL, [
    events.map((e) => e.threadAddress),
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e.payload)),
    events.map((e) => (e.slot == null ? null : e.slot.toString())),
    events.map((e) => e.txSignature ?? null),
    events.map((e) => e.instructionIndex ?? null),
  ]);
  // RETURNING order is not guaranteed: match rows back by global sequence (base + ordinality).
  const bySequence = rows.map((r) => ({ sequence: BigInt(r.sequence), threadSequence: BigInt(r.thread_sequence) }));
  bySequence.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
  const last = bySequence[bySequence.length - 1]?.sequence ?? 0n;
  // Keep the identity generator ahead too, so an INSERT relying on the column default can never collide.
  await client.query(`SELECT setval(pg_get_serial_sequence('events', 'sequence'), $1::int8), pg_notify($2, $1::text)`, [
    last.toString(),
    EVENT_CHANNEL,
  ]);
  return events.map((e, i) => {
    const assigned = bySequence[i] as { sequence: bigint; threadSequence: bigint };
    return { ...e, sequence: assigned.sequence, threadSequence: assigned.threadSequence };
  });
}
