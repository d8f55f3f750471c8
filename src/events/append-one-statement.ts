/**
 * The event log's append for a live batch (a few events), the lock already held: one round trip. See
 * append-events.ts for the ordering contract and why the lock is a statement apart.
 */
import type pg from 'pg';
import type { AppendedEvent, NewEvent } from './types.js';

/**
 * The append after the lock, in one statement: where the log ends (the last global sequence, and per thread its
 * last thread sequence: one index probe each on events_thread_address_thread_sequence_key, not an aggregate over
 * its history), the rows numbered on from there in the order given, the identity generator kept ahead, and the
 * NOTIFY (delivered on commit). The events arrive as one JSON array (`i` is each one's position, from 1): one text
 * parameter that Postgres parses once, instead of per-column arrays whose jsonb elements node-pg would escape.
 *  */
const APPEND_SQL = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(
    i int4, thread_address text, type event_type, payload jsonb, slot int8, tx_signature text, instruction_index int2)
), base AS (
  SELECT coalesce(max(sequence), 0) AS b FROM events
), tails AS (
  SELECT t.thread_address,
         coalesce((SELECT e.thread_sequence FROM events e
                    WHERE e.thread_address = t.thread_address
                    ORDER BY e.thread_sequence DESC LIMIT 1), 0) AS tail
    FROM (SELECT DISTINCT thread_address FROM input) t
), appended AS (
  INSERT INTO events (sequence, thread_address, thread_sequence, type, payload, slot, tx_signature, instruction_index)
  SELECT base.b + x.i, x.thread_address,
         tails.tail + row_number() OVER (PARTITION BY x.thread_address ORDER BY x.i),
         x.type, x.payload, x.slot, x.tx_signature, x.instruction_index
    FROM input x JOIN tails USING (thread_address) CROSS JOIN base
  RETURNING sequence, thread_sequence
)
SELECT (SELECT b FROM base)::text AS base,
       (SELECT json_agg(thread_sequence::text ORDER BY sequence) FROM appended) AS thread_sequences,
       setval(pg_get_serial_sequence('events', 'sequence'), (SELECT b FROM base) + $2::int8),
       pg_notify($3, ((SELECT b FROM base) + $2::int8)::text)`;

/** Appends a few events (the lock held) in one round trip; returns them numbered. */
export async function appendInOneStatement(
  client: pg.ClientBase,
  events: readonly NewEvent[],
  channel: string,
): Promise<AppendedEvent[]> {
  const input = JSON.stringify(
    events.map((e, i) => ({
      i: i + 1,
      thread_address: e.threadAddress,
      type: e.type,
      payload: e.payload,
      slot: e.slot === undefined || e.slot === null ? null : e.slot.toString(),
      tx_signature: e.txSignature ?? null,
      instruction_index: e.instructionIndex ?? null,
    })),
  );
  const { rows } = await client.query<{ base: string; thread_sequences: string[] }>(APPEND_SQL, [
    input,
    events.length,
    channel,
  ]);
  const base = BigInt(rows[0]?.base ?? '0');
  const threadSequences = rows[0]?.thread_sequences ?? [];
  return events.map((e, i) => ({
    ...e,
    sequence: base + BigInt(i + 1),
    threadSequence: BigInt(threadSequences[i] as string),
  }));
}
