/**
 * Applies one batch of stream updates in ONE Postgres transaction: rows, undo images, events (+ NOTIFY), outbox
 * work and the cursor commit together, so a crash at any instant leaves all of a batch or none of it.
 *
 * The batch is cut into segments at slot statuses: a segment of account/transaction updates is applied set-based
 * (load → pure apply → one statement per table), then the status, so statuses see exactly the rows before them.
 * The cursor row is locked first (FOR UPDATE): two indexers that both believe they lead still apply batches one
 * at a time, each seeing the other's rows, so idempotency holds even then.
 */
import type pg from 'pg';
import { appendEvents } from '../../src/events/index.js';
import { enqueue } from '../../src/pipeline/outbox/index.js';
import type { AccountUpdate, StreamUpdate, TransactionUpdate } from '../decode/types.js';
import { advanceCursor } from '../sync/cursor.js';
import { applyUpdates } from './apply.js';
import { loadState } from './load-state.js';
import { applySlotStatus } from './slot-status.js';
import { writeMessages, writeThreads, writeUndo, writeVotes } from './write-rows.js';

export interface BatchOutcome {
  readonly applied: number;
  readonly events: number;
  readonly orphans: number;
  readonly confirmedSlot: bigint | null;
  readonly finalizedSlot: bigint | null;
}

export async function writeBatch(
  pool: pg.Pool,
  stream: string,
  updates: readonly StreamUpdate[],
  cursorSlot: bigint | null,
): Promise<BatchOutcome> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const outcome = await writeBatchIn(client, stream, updates, cursorSlot);
    await client.query('COMMIT');
    return outcome;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function writeBatchIn(
  client: pg.ClientBase,
  stream: string,
  updates: readonly StreamUpdate[],
  cursorSlot: bigint | null,
): Promise<BatchOutcome> {
  const { rows } = await client.query<{ confirmed_slot: string | null; finalized_slot: string | null }>(
    'SELECT confirmed_slot, finalized_slot FROM indexer_cursors WHERE stream = $1 FOR UPDATE',
    [stream],
  );
  if (!rows[0]) throw new Error(`indexer cursor "${stream}" does not exist`);
  let confirmed = rows[0].confirmed_slot === null ? null : BigInt(rows[0].confirmed_slot);
  let finalized = rows[0].finalized_slot === null ? null : BigInt(rows[0].finalized_slot);
  let applied = 0;
  let events = 0;
  let orphans = 0;
  let segment: (AccountUpdate | TransactionUpdate)[] = [];

  const flush = async () => {
    if (segment.length === 0) return;
    const state = await loadState(client, stream, segment, finalized, confirmed);
    const result = applyUpdates(state, segment);
    segment = [];
    await writeThreads(client, result.threads, result.coAuthorChanges);
    await writeMessages(client, result.messages);
    await writeVotes(client, result.votes);
    await writeUndo(client, stream, result.undo);
    await appendEvents(client, result.events);
    await enqueue(client, result.outbox);
    applied += result.applied;
    events += result.events.length;
    orphans += result.orphans;
  };

  for (const u of updates) {
    if (u.kind !== 'slot') {
      segment.push(u);
      continue;
    }
    await flush();
    const out = await applySlotStatus(client, stream, u, { confirmed, finalized });
    events += out.events;
    if (u.status === 'confirmed' && (confirmed === null || u.slot > confirmed)) confirmed = u.slot;
    if (u.status === 'finalized' && (finalized === null || u.slot > finalized)) finalized = u.slot;
  }
  await flush();
  await advanceCursor(client, stream, cursorSlot, confirmed, finalized);
  return { applied, events, orphans, confirmedSlot: confirmed, finalizedSlot: finalized };
}
