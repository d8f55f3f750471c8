/** A row of the `events` table as pg returns it (bigints as strings), and the event it stands for. */
import type { EventType, StoredEvent } from './types.js';

export type EventRow = {
  sequence: string;
  thread_address: string;
  thread_sequence: string;
  type: EventType;
  payload: Record<string, unknown>;
  slot: string | null;
  tx_signature: string | null;
  instruction_index: number | null;
  created_at: Date;
};

export function toStoredEvent(r: EventRow): StoredEvent {
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
