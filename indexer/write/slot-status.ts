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

/**
 * Records the slot's status; returns false when it adds nothing (a replay, or a dead slot's late status). One
 * statement: the upsert only changes a row whose stored status ranks below the new one and is not dead.
 */
async function recordStatus(client: pg.ClientBase, stream: string, u: SlotUpdate): Promise<boolean> {
  const { rowCount } = await client.query(RECORD_SQL, [
    stream,
    u.slot.toString(),
    u.parent?.toString() ?? null,
    u.status,
    RANK[u.status] ?? 0,
  ]);
  return (rowCount ?? 0) > 0;
}

const RECORD_SQL = `INSERT INTO indexer_slots (stream, slot, parent, status) VALUES ($1, $2, $3, $4)
     ON CONFLICT (stream, slot) DO UPDATE SET status = EXCLUDED.status,
       parent = coalesce(EXCLUDED.parent, indexer_slots.parent), updated_at = now()
      WHERE indexer_slots.status <> 'dead'
        AND CASE indexer_slots.status WHEN 'processed' THEN 0 WHEN 'confirmed' THEN 1 WHEN 'finalized' THEN 2 ELSE 3 END
            < $5::int
     RETURNING 1`;

export async function applySlotStatus(
  client: pg.ClientBase,
  stream: string,
  u: SlotUpdate,
  previous: { confirmed: bigint | null; finalized: bigint | null },
  overlay: Overlay,
): Promise<{ events: number }> {
  if (u.status === 'confirmed' || u.status === 'finalized') {
    const level = u.status === 'confirmed' ? 'CONFIRMED' : 'FINALIZED';
    const after = (u.status === 'confirmed' ? previous.confirmed : previous.finalized) ?? -1n;
    return { events: await promote(client, stream, u, level, after, overlay) };
  }
  if (!(await recordStatus(client, stream, u))) return { events: 0 };
  if (u.status === 'processed') return { events: 0 };
  // The caller has flushed the overlay: a rollback works on stored rows and logged events.
  return rollbackSlot(client, stream, u.slot);
}

const COMMITMENT_RANK = { PROCESSED: 0, CONFIRMED: 1, FINALIZED: 2 } as const;

/** The rows of one thread one slot promoted: one CommitmentChanged event. */
interface CommitmentGroup {
  thread: string;
  slot: bigint;
  thread_changed: boolean;
  addresses: string[];
  hashes: string[];
}

/**
 * Records a confirmed/finalized status and, if it adds something, promotes to `level` every row changed in
 * (after, upTo]: stored rows with one UPDATE per table, the batch's pending rows (the overlay) in memory. A stored
 * row that the overlay also holds is superseded by it (the overlay's version is written at the end of the batch),
 * so only the overlay's version counts for events and outbox work. Finalization also drops the undo log up to the
 * slot and old slot statuses. One round trip: recording, the UPDATEs and the deletions are data-modifying CTEs of
 * one statement, each gated on the status having been recorded (`rec`).
 */
async function promote(
  client: pg.ClientBase,
  stream: string,
  u: SlotUpdate,
  level: 'CONFIRMED' | 'FINALIZED',
  after: bigint,
  overlay: Overlay,
) {
  const upTo = u.slot;
  const range = [after.toString(), upTo.toString(), level];
  const statuses: MessageRow['status'][] =
    level === 'CONFIRMED' ? ['PENDING', 'STORED', 'RECORDED'] : ['PENDING', 'STORED', 'RECORDED', 'CONFIRMED'];
  const { rows: changed } = await client.query<{
    k: 'r' | 't' | 'm';
    key: string;
    hash: string;
    thread_address: string;
    slot: string;
    status: MessageRow['status'] | null;
    has_content: boolean;
  }>(
    `WITH rec AS (
       ${RECORD_SQL.replace(/\$([1-5])\b/g, (_, n) => `$${Number(n) + 4}`)}
     ), t AS (
       UPDATE threads SET commitment = $3::commitment, updated_at = now()
        WHERE EXISTS (SELECT 1 FROM rec) AND slot > $1 AND slot <= $2 AND commitment < $3::commitment
       RETURNING address, slot
     ), m AS (
       UPDATE messages SET commitment = $3::commitment,
              status = CASE WHEN status = ANY ($4::message_status[]) THEN $3::text::message_status ELSE status END,
              updated_at = now()
        WHERE EXISTS (SELECT 1 FROM rec) AND slot > $1 AND slot <= $2 AND commitment < $3::commitment
       RETURNING address, content_hash, thread_address, slot, status, content IS NOT NULL AS has_content
     ), v AS (
       UPDATE votes SET commitment = $3::commitment
        WHERE EXISTS (SELECT 1 FROM rec) AND slot > $1 AND slot <= $2 AND commitment < $3::commitment RETURNING 1
     ), undo AS (
       DELETE FROM indexer_undo
        WHERE $10::bool AND EXISTS (SELECT 1 FROM rec) AND stream = $5 AND slot <= $2
     ), old AS (
       -- Old slot statuses are no longer needed; dead ones stay, so a late replay of a dead slot is still ignored.
       DELETE FROM indexer_slots
        WHERE $10::bool AND EXISTS (SELECT 1 FROM rec) AND stream = $5 AND slot < $2::int8 - ${SLOT_HISTORY}
          AND status <> 'dead'
     )
     SELECT 'r' AS k, '' AS key, '' AS hash, '' AS thread_address, '0' AS slot, NULL::text AS status, false AS has_content
       FROM rec
     UNION ALL
     SELECT 't', address, '', address, slot::text, NULL::text, false FROM t
     UNION ALL
     SELECT 'm', address, content_hash::text, thread_address, slot::text, status::text, has_content FROM m`,
    [
      ...range,
      statuses,
      stream,
      u.slot.toString(),
      u.parent?.toString() ?? null,
      u.status,
      RANK[u.status] ?? 0,
      level === 'FINALIZED',
    ],
  );
  if (!changed.some((r) => r.k === 'r')) return 0;
  if (level === 'FINALIZED') overlay.dropUndo(upTo);
  // One CommitmentChanged per (thread, slot), in slot then address order: the same events whichever statuses
  // the stream happened to deliver (a later confirmation covers the slots of a missed one).
  const groups = new Map<string, CommitmentGroup>();
  const group = (thread: string, slot: string) => {
    const id = `${slot.padStart(20, '0')}|${thread}`;
    let g = groups.get(id);
    if (!g) {
      g = { thread, slot: BigInt(slot), thread_changed: false, addresses: [], hashes: [] };
      groups.set(id, g);
    }
    return g;
  };
  const work: OutboxEntry[] = [];
  const stored = overlay.stored;
  for (const r of changed) {
    if (r.k === 'r') continue;
    if (r.k === 't') {
      if (overlay.threads.has(r.key)) continue;
      group(r.key, r.slot).thread_changed = true;
      const cached = stored?.threads.get(r.key);
      if (cached) stored?.threads.set(r.key, { ...cached, commitment: level });
      continue;
    }
    if (overlay.messages.has(r.key)) continue;
    const cached = stored?.messages.get(r.key);
    if (cached) {
      stored?.messages.set(r.key, { ...cached, commitment: level, status: r.status as MessageRow['status'] });
    }
    const g = group(r.thread_address, r.slot);
    g.addresses.push(r.key);
    g.hashes.push(r.hash);
    if (r.has_content) {
      work.push(messageWork({ address: r.key, status: r.status as MessageRow['status'], slot: r.slot }));
    }
  }
  const rank = COMMITMENT_RANK[level];
  for (const [address, t] of overlay.threads.inSlotRange(after, upTo)) {
    if (COMMITMENT_RANK[t.commitment] >= rank) continue;
    overlay.threads.set(address, { ...t, commitment: level });
    group(address, t.slot).thread_changed = true;
  }
  for (const [address, m] of overlay.messages.inSlotRange(after, upTo)) {
    if (m.commitment !== null && COMMITMENT_RANK[m.commitment] >= rank) continue;
    const promoted: MessageRow = {
      ...m,
      commitment: level,
      status: statuses.includes(m.status) ? level : m.status,
    };
    overlay.messages.set(address, promoted);
    const g = group(m.threadAddress, m.slot as string);
    g.addresses.push(address);
    g.hashes.push(m.contentHash);
    if (m.hasContent) work.push(messageWork(promoted));
  }
  for (const [k, v] of overlay.votes.inSlotRange(after, upTo)) {
    if (COMMITMENT_RANK[v.commitment] < rank) overlay.votes.set(k, { ...v, commitment: level });
  }
  const events: NewEvent[] = [...groups.keys()].sort().map((id) => {
    const g = groups.get(id) as CommitmentGroup;
    return {
      threadAddress: g.thread,
      type: 'CommitmentChanged',
      payload: {
        slot: g.slot.toString(),
        commitment: level,
        thread: g.thread_changed,
        messageAddresses: g.addresses.sort(),
        contentHashes: g.hashes.sort(),
      },
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
