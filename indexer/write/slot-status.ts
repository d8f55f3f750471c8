/**
 * Slot statuses, applied inside the batch transaction in stream order:
 * - confirmed / finalized: promotes the commitment of every row changed at or below that slot (and the pipeline
 *   status of messages), emits CommitmentChanged per thread and slot, and queues vector payload updates;
 *   finalized also drops the undo log up to the slot (those changes can no longer be retracted).
 * - dead: the slot was a fork. Restores the undo images of its changes, emits Retracted for each event it caused
 *   (newest first: effects are retracted before their causes) and queues payload updates. Geyser sends no
 *   rollback notice; this status is the only signal.
 */
import type pg from 'pg';
import { appendEvents, type NewEvent } from '../../src/events/index.js';
import { enqueue, type OutboxEntry } from '../../src/pipeline/outbox/index.js';
import type { SlotUpdate } from '../decode/types.js';
import { coAuthorsWork, messageWork } from './apply.js';
import type { Overlay } from './overlay.js';
import type { MessageRow, ThreadRow, VoteRow } from './rows.js';
import { deleteRows, writeMessages, writeThreads, writeVotes } from './write-rows.js';

/** How many finalized slots of status history to keep. */
const SLOT_HISTORY = 10_000;

const RANK: Record<string, number> = { processed: 0, confirmed: 1, finalized: 2, dead: 3 };

/** Records the slot's status; returns false when it adds nothing (a replay, or a dead slot's late status). */
async function recordStatus(client: pg.ClientBase, stream: string, u: SlotUpdate): Promise<boolean> {
  const { rows } = await client.query<{ status: string }>(
    'SELECT status FROM indexer_slots WHERE stream = $1 AND slot = $2 FOR UPDATE',
    [stream, u.slot.toString()],
  );
  const current = rows[0]?.status;
  if (current === 'dead') return false;
  if (current !== undefined && (RANK[current] ?? 0) >= (RANK[u.status] ?? 0)) return false;
  await client.query(
    `INSERT INTO indexer_slots (stream, slot, parent, status) VALUES ($1, $2, $3, $4)
     ON CONFLICT (stream, slot) DO UPDATE SET status = EXCLUDED.status,
       parent = coalesce(EXCLUDED.parent, indexer_slots.parent), updated_at = now()`,
    [stream, u.slot.toString(), u.parent?.toString() ?? null, u.status],
  );
  return true;
}

export async function applySlotStatus(
  client: pg.ClientBase,
  stream: string,
  u: SlotUpdate,
  previous: { confirmed: bigint | null; finalized: bigint | null },
  overlay: Overlay,
): Promise<{ events: number }> {
  if (!(await recordStatus(client, stream, u))) return { events: 0 };
  if (u.status === 'processed') return { events: 0 };
  // The caller has flushed the overlay: a rollback works on stored rows and logged events.
  if (u.status === 'dead') return rollbackSlot(client, stream, u.slot);
  const level = u.status === 'confirmed' ? 'CONFIRMED' : 'FINALIZED';
  const after = (u.status === 'confirmed' ? previous.confirmed : previous.finalized) ?? -1n;
  const events = await promote(client, level, after, u.slot, overlay);
  if (u.status === 'finalized') {
    overlay.dropUndo(u.slot);
    await client.query('DELETE FROM indexer_undo WHERE stream = $1 AND slot <= $2', [stream, u.slot.toString()]);
    // Old slot statuses are no longer needed; dead ones stay, so a late replay of a dead slot is still ignored.
    await client.query(
      `DELETE FROM indexer_slots WHERE stream = $1 AND slot < $2::int8 - ${SLOT_HISTORY} AND status <> 'dead'`,
      [stream, u.slot.toString()],
    );
  }
  return { events };
}

const COMMITMENT_RANK = { PROCESSED: 0, CONFIRMED: 1, FINALIZED: 2 } as const;

/**
 * Promotes to `level` every row changed in (after, upTo]: stored rows with one UPDATE per table, the batch's pending
 * rows (the overlay) in memory. A stored row that the overlay also holds is superseded by it (the overlay's version
 * is written at the end of the batch), so only the overlay's version counts for events and outbox work.
 */
async function promote(
  client: pg.ClientBase,
  level: 'CONFIRMED' | 'FINALIZED',
  after: bigint,
  upTo: bigint,
  overlay: Overlay,
) {
  const range = [after.toString(), upTo.toString(), level];
  const statuses: MessageRow['status'][] =
    level === 'CONFIRMED' ? ['PENDING', 'STORED', 'RECORDED'] : ['PENDING', 'STORED', 'RECORDED', 'CONFIRMED'];
  const threads = await client.query<{ address: string; slot: string }>(
    `UPDATE threads SET commitment = $3::commitment, updated_at = now()
      WHERE slot > $1 AND slot <= $2 AND commitment < $3::commitment RETURNING address, slot`,
    range,
  );
  const messages = await client.query<{
    content_hash: string;
    thread_address: string;
    slot: string;
    status: MessageRow['status'];
    has_content: boolean;
  }>(
    `UPDATE messages SET commitment = $3::commitment,
            status = CASE WHEN status = ANY ($4::message_status[]) THEN $3::text::message_status ELSE status END,
            updated_at = now()
      WHERE slot > $1 AND slot <= $2 AND commitment < $3::commitment
     RETURNING content_hash, thread_address, slot, status, content IS NOT NULL AS has_content`,
    [...range, statuses],
  );
  await client.query(
    `UPDATE votes SET commitment = $3::commitment WHERE slot > $1 AND slot <= $2 AND commitment < $3::commitment`,
    range,
  );
  // One CommitmentChanged per (thread, slot), in slot then address order: the same events whichever statuses
  // the stream happened to deliver (a later confirmation covers the slots of a missed one).
  const groups = new Map<string, { thread: string; slot: bigint; thread_changed: boolean; hashes: string[] }>();
  const group = (thread: string, slot: string) => {
    const id = `${slot.padStart(20, '0')}|${thread}`;
    let g = groups.get(id);
    if (!g) {
      g = { thread, slot: BigInt(slot), thread_changed: false, hashes: [] };
      groups.set(id, g);
    }
    return g;
  };
  const work: OutboxEntry[] = [];
  for (const t of threads.rows) if (!overlay.threads.has(t.address)) group(t.address, t.slot).thread_changed = true;
  for (const m of messages.rows) {
    if (overlay.messages.has(m.content_hash)) continue;
    group(m.thread_address, m.slot).hashes.push(m.content_hash);
    if (m.has_content) work.push(messageWork({ contentHash: m.content_hash, status: m.status, slot: m.slot }));
  }
  const rank = COMMITMENT_RANK[level];
  const inRange = (slot: string | null) => {
    if (slot === null) return false;
    const s = BigInt(slot);
    return s > after && s <= upTo;
  };
  for (const [address, t] of overlay.threads) {
    if (!inRange(t.slot) || COMMITMENT_RANK[t.commitment] >= rank) continue;
    overlay.threads.set(address, { ...t, commitment: level });
    group(address, t.slot).thread_changed = true;
  }
  for (const [hash, m] of overlay.messages) {
    if (!inRange(m.slot) || (m.commitment !== null && COMMITMENT_RANK[m.commitment] >= rank)) continue;
    const promoted: MessageRow = {
      ...m,
      commitment: level,
      status: statuses.includes(m.status) ? level : m.status,
    };
    overlay.messages.set(hash, promoted);
    group(m.threadAddress, m.slot as string).hashes.push(hash);
    if (m.hasContent) work.push(messageWork(promoted));
  }
  for (const [k, v] of overlay.votes) {
    if (inRange(v.slot) && COMMITMENT_RANK[v.commitment] < rank) overlay.votes.set(k, { ...v, commitment: level });
  }
  const events: NewEvent[] = [...groups.keys()].sort().map((id) => {
    const g = groups.get(id) as { thread: string; slot: bigint; thread_changed: boolean; hashes: string[] };
    return {
      threadAddress: g.thread,
      type: 'CommitmentChanged',
      payload: { slot: g.slot.toString(), commitment: level, thread: g.thread_changed, contentHashes: g.hashes.sort() },
      slot: g.slot,
    };
  });
  for (const e of events) overlay.events.push(e);
  for (const w of work) overlay.outbox.push(w);
  return events.length;
}

async function rollbackSlot(client: pg.ClientBase, stream: string, slot: bigint): Promise<{ events: number }> {
  const { rows } = await client.query<{
    table_name: 'threads' | 'messages' | 'votes';
    row_key: string;
    image: unknown;
  }>('DELETE FROM indexer_undo WHERE stream = $1 AND slot = $2 RETURNING table_name, row_key, image', [
    stream,
    slot.toString(),
  ]);
  const restore = { threads: [] as ThreadRow[], messages: [] as MessageRow[], votes: [] as VoteRow[] };
  const remove = { threads: [] as string[], messages: [] as string[], votes: [] as string[] };
  for (const r of rows) {
    if (r.image === null) remove[r.table_name].push(r.row_key);
    else (restore[r.table_name] as unknown[]).push(r.image);
  }
  // Parents before children when restoring, children before parents when deleting (foreign keys).
  await writeThreads(client, restore.threads);
  await writeMessages(client, restore.messages);
  await writeVotes(client, restore.votes);
  await deleteRows(client, 'votes', remove.votes);
  await deleteRows(client, 'messages', remove.messages);
  await deleteRows(client, 'threads', remove.threads);

  const retracted = await client.query<{
    sequence: string;
    thread_address: string;
    type: string;
    tx_signature: string | null;
  }>(
    `SELECT sequence, thread_address, type, tx_signature FROM events
      WHERE slot = $1 AND type <> 'Retracted' ORDER BY sequence DESC`,
    [slot.toString()],
  );
  const events: NewEvent[] = retracted.rows.map((e) => ({
    threadAddress: e.thread_address,
    type: 'Retracted',
    payload: { sequence: e.sequence, type: e.type, slot: slot.toString() },
    slot,
    txSignature: e.tx_signature,
  }));
  await appendEvents(client, events);
  const work: OutboxEntry[] = [
    ...restore.messages.filter((m) => m.hasContent).map(messageWork),
    ...restore.threads.map(coAuthorsWork),
  ];
  // A removed message the backend had content for cannot exist (its image would not be null); removed threads
  // take their points' co-author lists with them, nothing to patch.
  await enqueue(client, work);
  return { events: events.length };
}
