/**
 * Applies one batch of stream updates in ONE Postgres transaction: rows, undo images, events (+ NOTIFY), outbox
 * work and the cursor commit together, so a crash at any instant leaves all of a batch or none of it.
 *
 * The batch is cut into segments at slot statuses: a segment of account/transaction updates is applied set-based
 * (load → pure apply), then the status, so statuses see exactly the rows before them. Rows, undo images, events
 * and outbox work collect in an `Overlay` and are written once at the end of the batch (one statement per table;
 * before a dead slot's rollback too), so a row inserted, confirmed and finalized within one batch is written once.
 * The cursor row is locked first (FOR UPDATE): two indexers that both believe they lead still apply batches one
 * at a time, each seeing the other's rows, so idempotency holds even then.
 */
import type pg from 'pg';
import type { AccountUpdate, StreamUpdate, TransactionUpdate } from '../decode/types.js';
import type { StageTimings } from '../status/stage-timings.js';
import { applyUpdates } from './apply.js';
import { advanceCursor } from './cursor.js';
import { loadState, readDeadSlots, readStoredRowsFor } from './load-state.js';
import { Overlay } from './overlay.js';
import { applySlotStatus } from './slot-status.js';

export interface BatchOutcome {
  readonly applied: number;
  readonly events: number;
  readonly orphans: number;
  readonly confirmedSlot: bigint | null;
  readonly finalizedSlot: bigint | null;
}

export interface BatchOptions {
  /** Where the time goes (the indexer's per-instance figures). */
  readonly timings?: StageTimings;
  /** Stream gaps this batch's replay heals: counted in `indexer_cursors.gaps_healed` with the batch. */
  readonly gapsHealed?: number;
}

export async function writeBatch(
  pool: pg.Pool,
  stream: string,
  updates: readonly StreamUpdate[],
  cursorSlot: bigint | null,
  options: BatchOptions = {},
): Promise<BatchOutcome> {
  const { timings } = options;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const outcome = await writeBatchIn(client, stream, updates, cursorSlot, options);
    const t = performance.now();
    await client.query('COMMIT');
    timings?.add('commit', performance.now() - t);
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
  options: BatchOptions = {},
): Promise<BatchOutcome> {
  const { timings } = options;
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
  const overlay = new Overlay();
  // Which of the batch's slots are already dead: one query per batch instead of one per segment.
  const slots = new Set<string>();
  for (const u of updates) if (u.kind !== 'slot') slots.add(u.slot.toString());
  overlay.deadSlots = slots.size ? await readDeadSlots(client, stream, slots) : new Set();
  // And every stored row the batch may touch: one read per batch instead of one per segment.
  if (slots.size) overlay.stored = await readStoredRowsFor(client, updates);

  const flush = async () => {
    if (segment.length === 0) return;
    const t0 = performance.now();
    const state = await loadState(client, stream, segment, finalized, confirmed, overlay);
    const t1 = performance.now();
    const result = applyUpdates(state, segment);
    timings?.add('load', t1 - t0);
    timings?.add('apply', performance.now() - t1);
    segment = [];
    overlay.merge(result);
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
    const t = performance.now();
    // A rollback restores stored rows and retracts logged events: write what is pending first.
    if (u.status === 'dead') await overlay.flush(client, stream, timings);
    const out = await applySlotStatus(client, stream, u, { confirmed, finalized }, overlay);
    if (u.status === 'dead') overlay.deadSlots?.add(u.slot.toString());
    events += out.events;
    if (u.status === 'confirmed' && (confirmed === null || u.slot > confirmed)) confirmed = u.slot;
    if (u.status === 'finalized' && (finalized === null || u.slot > finalized)) finalized = u.slot;
    timings?.add('status', performance.now() - t);
  }
  await flush();
  const t = performance.now();
  await advanceCursor(client, stream, cursorSlot, confirmed, finalized, options.gapsHealed ?? 0);
  timings?.add('cursor', performance.now() - t);
  // The rows and events last: the events' append holds the event log's lock until COMMIT (overlay.ts).
  await overlay.flush(client, stream, timings);
  return { applied, events, orphans, confirmedSlot: confirmed, finalizedSlot: finalized };
}
