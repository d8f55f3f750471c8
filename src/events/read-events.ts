import type pg from 'pg';
import { type EventRow, toStoredEvent } from './event-row.js';
import type { StoredEvent } from './types.js';

/** Events after `sequence` (exclusive), oldest first: what a subscription replays from its cursor. */
export async function readEventsAfter(
  db: pg.Pool | pg.ClientBase,
  sequence: bigint,
  options: { limit?: number; threadAddress?: string } = {},
): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT * FROM events
      WHERE sequence > $1 AND ($2::text IS NULL OR thread_address = $2)
      ORDER BY sequence LIMIT $3`,
    [sequence.toString(), options.threadAddress ?? null, options.limit ?? 1000],
  );
  return rows.map(toStoredEvent);
}
