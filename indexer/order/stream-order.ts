/**
 * The ordering stage, pure: decoded stream updates in, committable batches out. No I/O, no timers — the session
 * around it waits, commits and applies back-pressure.
 *
 * - Enrichment: account writes wait for their transaction (instruction provenance, see decode/enrich.ts).
 * - Safe cursor: every queued update carries the cursor slot that is safe once it is committed (order/safe-slot.ts).
 * - Gaps: a processed slot whose parent was never streamed (and is past the resume point) means the stream skipped
 *   something. `accept` reports it and accepts nothing more; the caller resubscribes from the committed cursor,
 *   which replays the missing range.
 * - Holding: that processed status arrives after the slot's own updates. So that they are never committed ahead of
 *   missing slots (which would drop the older slots' changes to the same rows and collapse their events into this
 *   slot), updates of a slot more than one past the last accepted processed/dead slot are held — with everything
 *   queued behind them — until that slot's processed status is accepted. Consecutive slots (the normal case) are
 *   never held. Updates still held when the stream ends are dropped: the next subscription replays them.
 */
import { Enricher } from '../decode/enrich.js';
import type { StreamUpdate } from '../decode/types.js';
import { SafeSlot } from './safe-slot.js';

export interface Gap {
  /** The processed slot that revealed the gap. */
  readonly slot: bigint;
  /** Its parent, never streamed. */
  readonly parent: bigint;
}

interface Queued {
  readonly update: StreamUpdate;
  readonly safe: bigint | null;
  /** When it was accepted (the caller's clock, milliseconds). */
  readonly at: number;
  /** Held until a processed status of this slot is accepted; null: never held. */
  readonly hold: bigint | null;
}

export interface Batch {
  readonly updates: StreamUpdate[];
  /** The cursor slot that is safe once these updates are committed (null: none yet). */
  readonly cursor: bigint | null;
}

export class StreamOrder {
  private readonly queue: Queued[] = [];
  private readonly enricher = new Enricher();
  private readonly safe: SafeSlot;
  private readonly seenProcessed: Set<bigint>;
  /** The highest processed (or dead) slot accepted. */
  private accepted: bigint;
  /** queue[0, readyCount) may be committed. */
  private readyCount = 0;
  private gapFound: Gap | null = null;
  /** A processed slot status came after the newest account or transaction update. */
  private lastWasProcessed = false;

  /** `cursor`: the last slot whose changes are committed; the stream resumes after it. */
  constructor(private readonly cursor: bigint) {
    this.safe = new SafeSlot(cursor);
    this.seenProcessed = new Set([cursor]);
    this.accepted = cursor;
  }

  /** Takes one decoded update in stream order. Returns the gap it revealed (then, and after, nothing is accepted). */
  accept(update: StreamUpdate, at: number): Gap | null {
    if (this.gapFound) return this.gapFound;
    if (update.kind === 'slot' && update.status === 'processed') {
      const parent = update.parent;
      if (parent !== null && parent > this.cursor && !this.seenProcessed.has(parent)) {
        this.gapFound = { slot: update.slot, parent };
        return this.gapFound;
      }
      this.seenProcessed.add(update.slot);
    }
    // Statuses of older slots (confirmed, finalized) come in the same burst as the processed one (the devnet sends
    // processed(s), confirmed(s-1), finalized(s-k) on one tick): they keep the slot's end. Data reopens it.
    if (update.kind !== 'slot') this.lastWasProcessed = false;
    else if (update.status === 'processed') this.lastWasProcessed = true;
    if (update.kind === 'slot' && (update.status === 'processed' || update.status === 'dead')) {
      if (update.slot > this.accepted) this.accepted = update.slot;
    }
    for (const out of this.enricher.push(update)) {
      this.safe.observe(out);
      const hold = out.kind !== 'slot' && out.slot > this.accepted + 1n ? out.slot : null;
      this.queue.push({ update: out, safe: this.safe.value, at, hold });
    }
    for (let q = this.queue[this.readyCount]; q && (q.hold === null || q.hold <= this.accepted); ) {
      this.readyCount++;
      q = this.queue[this.readyCount];
    }
    return null;
  }

  /** Removes and returns up to `max` committable updates with the cursor they make safe. */
  take(max: number): Batch {
    const taken = this.queue.splice(0, Math.min(this.readyCount, max));
    this.readyCount -= taken.length;
    return { updates: taken.map((q) => q.update), cursor: taken.at(-1)?.safe ?? null };
  }

  /**
   * The stream is at the end of a slot with nothing held: its processed status came after the slot's accounts and
   * transactions (other slots' statuses may follow it), so nothing more is expected until the next block. A batch need not wait to fill — on a live
   * chain that wait is pure latency between the block and its events.
   */
  get atSlotEnd(): boolean {
    return this.lastWasProcessed && this.readyCount === this.queue.length;
  }

  /** Updates that may be committed now. */
  get ready(): number {
    return this.readyCount;
  }

  /** Updates queued, held ones included. */
  get size(): number {
    return this.queue.length;
  }

  /** When the oldest queued update was accepted (null: the queue is empty). */
  get oldestAt(): number | null {
    return this.queue[0]?.at ?? null;
  }

  get gap(): Gap | null {
    return this.gapFound;
  }
}
