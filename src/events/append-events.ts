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
import { appendByCopy } from './append-by-copy.js';
import { appendInOneStatement } from './append-one-statement.js';
import type { AppendedEvent, NewEvent } from './types.js';

/** `pg_advisory_xact_lock` key serialising event-log writers (ASCII "choirevt" folded into a signed int8). */
export const EVENT_LOG_LOCK_KEY = 7_163_097_706_014_275_188n;
/** The channel API instances LISTEN on; the payload is the last sequence the committing transaction appended. */
export const EVENT_CHANNEL = 'choir_events';

/** From this many events a batch is copied (append-by-copy.ts); below, appended in one statement. */
const COPY_FROM = 200;

/**
 * Appends `events` in order inside the caller's open transaction (`client` must be in BEGIN) and queues the
 * NOTIFY. Returns them with their sequences. The lock is a statement apart from the append: a statement sees the
 * data committed when it began, and only one that begins after the lock is granted sees the previous writer's
 * rows. The lock is held until the caller's COMMIT, so every other writer of events waits that long: append last.
 */
export async function appendEvents(client: pg.ClientBase, events: readonly NewEvent[]): Promise<AppendedEvent[]> {
  if (events.length === 0) return [];
  await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK_KEY.toString()]);
  return events.length >= COPY_FROM
    ? appendByCopy(client, events, EVENT_CHANNEL)
    : appendInOneStatement(client, events, EVENT_CHANNEL);
}
