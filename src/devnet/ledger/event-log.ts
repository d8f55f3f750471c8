import type { LedgerEvent, LedgerEventInput } from './types.js';

export type EventListener = (event: LedgerEvent) => void;

/**
 * The ledger's bounded history of streamed events, numbered by a sequence that never repeats. Geyser subscribers
 * read it through cursors, so replay (`from_slot`) and live streaming are one code path, and a slow reader only
 * lags behind instead of holding anything up.
 */
export class EventLog {
  private events: LedgerEvent[] = [];
  private offset = 0;
  private baseSeq = 0;
  /** Slot → its first sequence number. Slots open one after another, so the keys are consecutive. */
  private readonly slotStarts = new Map<number, number>();
  private oldestStart: number | null = null;
  private readonly listeners = new Set<EventListener>();

  /** Sequence number of the oldest retained event. */
  get firstSeq(): number {
    return this.baseSeq + this.offset;
  }

  /** Sequence number the next event will get. */
  get nextSeq(): number {
    return this.baseSeq + this.events.length;
  }

  append(input: LedgerEventInput): LedgerEvent {
    const event = { ...input, seq: this.nextSeq } as LedgerEvent;
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Marks where the events of a newly opened slot begin. */
  markSlotStart(slot: number): void {
    this.slotStarts.set(slot, this.nextSeq);
    if (this.oldestStart === null) this.oldestStart = slot;
  }

  /** Starts slot bookkeeping over at `slot` (a ledger resuming from a compacted journal). */
  resetSlots(slot: number): void {
    this.slotStarts.clear();
    this.oldestStart = null;
    this.markSlotStart(slot);
  }

  /** The first sequence number at or after the start of `slot`, or `null` when that slot is older than the history. */
  seqForSlot(slot: number): number | null {
    const oldest = this.oldestSlot();
    if (oldest === null || slot < oldest) return null;
    for (let s = slot; s < slot + 1_000_000; s++) {
      const seq = this.slotStarts.get(s);
      if (seq !== undefined) return Math.max(seq, this.firstSeq);
      if (s > this.newestSlot()) break;
    }
    return this.nextSeq;
  }

  oldestSlot(): number | null {
    return this.slotStarts.size === 0 ? null : this.oldestStart;
  }

  /** The slot opened last (the open slot), or -1 before any. */
  newestSlot(): number {
    return this.slotStarts.size === 0 || this.oldestStart === null ? -1 : this.oldestStart + this.slotStarts.size - 1;
  }

  get(seq: number): LedgerEvent | undefined {
    return this.events[seq - this.baseSeq];
  }

  /** Drops the events of slots older than `minSlot` from the front. */
  trimBefore(minSlot: number): void {
    // Deleted by key from the oldest on: iterating a Map from its front after many deletions walks their holes.
    while (this.oldestStart !== null && this.oldestStart < minSlot && this.slotStarts.size > 0) {
      this.slotStarts.delete(this.oldestStart);
      this.oldestStart++;
    }
    const keepFrom = this.slotStarts.get(minSlot) ?? this.firstSeq;
    while (this.firstSeq < keepFrom) this.offset++;
    // Compact the array once the dropped prefix is large, so trimming stays amortised O(1).
    if (this.offset > 4096 && this.offset > this.events.length / 2) {
      this.events = this.events.slice(this.offset);
      this.baseSeq += this.offset;
      this.offset = 0;
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
