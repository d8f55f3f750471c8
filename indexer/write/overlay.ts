/**
 * The batch's pending writes. A batch is applied segment by segment in stream order, but rows are written to
 * Postgres once, when the batch ends (or before a fork rollback, which works on stored rows): a row changed by
 * several updates of the batch, then promoted by its confirmed and finalized statuses, is written once, already at
 * its final commitment, and its undo image is dropped in memory if its slot is finalized within the batch.
 * Events and outbox work queue here in stream order and are appended in one call each, so sequences are exactly
 * those a segment-by-segment write would have assigned.
 */
import type pg from 'pg';
import { appendEvents, type NewEvent } from '../../src/events/index.js';
import { enqueue, type OutboxEntry } from '../../src/pipeline/outbox/index.js';
import type { StageTimings } from '../status/stage-timings.js';
import type { ApplyResult, UndoEntry } from './apply.js';
import { type MessageRow, type ThreadRow, type VoteRow, voteKey } from './rows.js';
import { SlotIndexedMap } from './slot-indexed-map.js';
import { writeMessages, writeThreads, writeUndo, writeVotes } from './write-rows.js';

/** Stored rows read once for the whole batch (see `Overlay.stored`). */
export interface StoredRows {
  readonly threads: Map<string, ThreadRow>;
  readonly messages: Map<string, MessageRow>;
}

export class Overlay {
  readonly threads = new SlotIndexedMap<string, ThreadRow>((t) => t.slot);
  readonly coAuthorChanged = new Set<string>();
  readonly messages = new SlotIndexedMap<string, MessageRow>((m) => m.slot);
  readonly votes = new SlotIndexedMap<string, VoteRow>((v) => v.slot);
  /** By `${slot}|${table}|${key}`: the first image recorded wins (it is the older one). */
  readonly undo = new SlotIndexedMap<string, UndoEntry>((u) => u.slot);
  /** Divested events queued in this batch (`${signature}:${index}`), not yet in the log. */
  readonly divested = new Set<string>();
  /**
   * Dead slots among the batch's update slots, read once per batch and kept up to date by the batch's own dead
   * statuses (null: read per segment). Survives `flush`.
   */
  deadSlots: Set<string> | null = null;
  /**
   * The stored version of every row the batch's updates touch, read once at the start of the batch (null: read per
   * segment). Kept exact by `promote` (which patches the commitment and pipeline status of stored rows it promotes);
   * dropped by `flush`, after which stored rows are the overlay's old contents (and a rollback may change them).
   */
  stored: StoredRows | null = null;
  events: NewEvent[] = [];
  outbox: OutboxEntry[] = [];

  merge(result: ApplyResult): void {
    for (const t of result.threads) this.threads.set(t.address, t);
    for (const t of result.coAuthorChanges) this.coAuthorChanged.add(t.address);
    for (const m of result.messages) this.messages.set(m.address, m);
    for (const v of result.votes) this.votes.set(voteKey(v), v);
    for (const u of result.undo) {
      const id = `${u.slot}|${u.table}|${u.key}`;
      if (!this.undo.has(id)) this.undo.set(id, u);
    }
    for (const e of result.events) {
      this.events.push(e);
      if (e.type === 'Divested') this.divested.add(`${e.txSignature}:${e.instructionIndex}`);
    }
    for (const o of result.outbox) this.outbox.push(o);
  }

  /** Undo images of slots at or below a finalized slot can no longer be needed. */
  dropUndo(finalized: bigint): void {
    for (const [id] of this.undo.inSlotRange(-1n, finalized)) this.undo.delete(id);
  }

  /** Writes everything pending (parents before children) and empties the overlay. */
  async flush(client: pg.ClientBase, stream: string, timings?: StageTimings): Promise<void> {
    const threads = [...this.threads.values()];
    let t = performance.now();
    const lap = (stage: 'rows' | 'undo' | 'events' | 'outbox') => {
      const now = performance.now();
      timings?.add(stage, now - t);
      t = now;
    };
    await writeThreads(
      client,
      threads,
      threads.filter((t) => this.coAuthorChanged.has(t.address)),
    );
    await writeMessages(client, [...this.messages.values()]);
    lap('rows');
    await writeVotes(client, [...this.votes.values()]);
    await writeUndo(client, stream, [...this.undo.values()]);
    lap('undo');
    await enqueue(client, this.outbox);
    lap('outbox');
    // Last: appending takes the event log's lock (append-events.ts), which every writer of events queues for until
    // this transaction commits; nothing else runs while it is held.
    await appendEvents(client, this.events);
    lap('events');
    this.threads.clear();
    this.coAuthorChanged.clear();
    this.messages.clear();
    this.votes.clear();
    this.undo.clear();
    this.divested.clear();
    this.stored = null;
    this.events = [];
    this.outbox = [];
  }
}
