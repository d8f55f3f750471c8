/**
 * An in-memory StreamSource: a log of raw Geyser updates, each tagged with its slot, that every subscription
 * replays from its `fromSlot` and then follows live — what a Yellowstone provider with an unlimited replay window
 * does, without gRPC. Tests script faults with it (a slot lost by the first subscription, a cut, a replay window);
 * benchmarks feed the indexer from it to measure the indexer alone.
 *
 * Delivery is asynchronous and chunked (`chunk` updates per macrotask), so the consumer's writer interleaves with
 * it as it would with a network stream; `pause()` holds delivery back.
 */
import { ChoirError } from '../../src/errors/index.js';
import type { SourceRequest, SourceStream, StreamSource } from './stream-source.js';

interface Entry {
  readonly slot: bigint;
  readonly update: unknown;
}

export interface MemorySourceOptions {
  /** Updates delivered per macrotask (default 256). */
  readonly chunk?: number;
  /** Return true to drop this update from subscription number `subscription` (0 = the first one opened). */
  readonly lose?: (subscription: number, slot: bigint) => boolean;
  /** Milliseconds to stall before delivering log entry `position` to `subscription` (a slow network). */
  readonly stallMs?: (subscription: number, position: number) => number;
}

class MemoryStream implements SourceStream {
  readonly closed: Promise<ChoirError>;
  private finish!: (why: ChoirError) => void;
  private position: number;
  private paused = false;
  private done = false;
  private scheduled = false;
  /** The position a stall was already served for. */
  private stalledAt = -1;

  constructor(
    private readonly source: MemorySource,
    private readonly request: SourceRequest,
    private readonly subscription: number,
  ) {
    this.closed = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.position = source.firstIndexAt(request.fromSlot);
    this.schedule();
  }

  /** New entries were appended (or delivery may continue). */
  schedule(): void {
    if (this.scheduled || this.paused || this.done) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const log = this.source.entries;
    let sent = 0;
    while (!this.paused && !this.done && this.position < log.length && sent < this.source.chunk) {
      const stall = this.source.stall(this.subscription, this.position);
      if (stall > 0 && this.stalledAt !== this.position) {
        this.stalledAt = this.position;
        this.scheduled = true;
        setTimeout(() => {
          this.scheduled = false;
          this.pump();
        }, stall);
        return;
      }
      const entry = log[this.position++] as Entry;
      if (this.source.lost(this.subscription, entry.slot)) continue;
      sent++;
      this.request.onData(entry.update);
    }
    if (this.position < log.length) this.schedule();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  end(why: ChoirError = new ChoirError('SOLANA_STREAM_FAILED', 'closed by the indexer')): void {
    if (this.done) return;
    this.done = true;
    this.source.forget(this);
    this.finish(why);
  }
}

export class MemorySource implements StreamSource {
  readonly entries: Entry[] = [];
  readonly chunk: number;
  private readonly openStreams = new Set<MemoryStream>();
  private opened = 0;
  /** Subscriptions cannot replay from before this slot (SOLANA_REPLAY_UNAVAILABLE), as with a provider's window. */
  replayFrom: bigint | null = null;

  constructor(private readonly options: MemorySourceOptions = {}) {
    this.chunk = options.chunk ?? 256;
  }

  /** Appends raw updates of `slot` to the log; open subscriptions receive them next. */
  append(slot: bigint, ...updates: unknown[]): void {
    for (const update of updates) this.entries.push({ slot, update });
    for (const s of this.openStreams) s.schedule();
  }

  async open(request: SourceRequest): Promise<SourceStream> {
    if (this.replayFrom !== null && request.fromSlot !== null && request.fromSlot < this.replayFrom) {
      throw new ChoirError(
        'SOLANA_REPLAY_UNAVAILABLE',
        `cannot replay from slot ${request.fromSlot}: the oldest available is ${this.replayFrom}`,
      );
    }
    const stream = new MemoryStream(this, request, this.opened++);
    this.openStreams.add(stream);
    return stream;
  }

  /** Ends every open subscription with an error, as a dropped connection would. */
  cut(why = new ChoirError('SOLANA_STREAM_FAILED', 'memory source cut')): void {
    for (const s of [...this.openStreams]) s.end(why);
  }

  /** How many subscriptions were opened so far. */
  get subscriptions(): number {
    return this.opened;
  }

  /** Index of the first entry at or after `slot` (null: live only — the end of the log). */
  firstIndexAt(slot: bigint | null): number {
    if (slot === null) return this.entries.length;
    const i = this.entries.findIndex((e) => e.slot >= slot);
    return i < 0 ? this.entries.length : i;
  }

  lost(subscription: number, slot: bigint): boolean {
    return this.options.lose?.(subscription, slot) ?? false;
  }

  stall(subscription: number, position: number): number {
    return this.options.stallMs?.(subscription, position) ?? 0;
  }

  forget(stream: MemoryStream): void {
    this.openStreams.delete(stream);
  }
}
