import type pg from 'pg';
import type { EventType, StoredEvent } from './types.js';

interface EventRow {
  sequence: string;
  thread_address: string;
  thread_sequence: string;
  type: EventType;
  payload: Record<string, unknown>;
  slot: string | null;
  tx_signature: string | null;
  instruction_index: number | null;
  created_at: Date;
}

function toEvent(r: EventRow): StoredEvent {
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
  return rows.map(toEvent);
}
