/**
 * The event log of the in-memory API stand-in (fake-thread-server.ts) and its deliveries: each subscriber gets the
 * log in order from its cursor, each event after a short random delay, asynchronously — and, on purpose, not
 * always well: a dropped delivery (a gap), re-sent events (duplicates), every stream cut (a disconnect).
 */
import { networkError } from '../../src/client/errors.js';
import type { EventStreamHandlers } from '../../src/client/store/source.js';
import type { ThreadEvent } from '../../src/client/store/types.js';

interface Subscriber {
  handlers: EventStreamHandlers;
  /** Next log index to deliver. */
  next: number;
  skipNext: boolean;
  pumping: boolean;
  open: boolean;
}

export class FakeEventLog {
  readonly log: ThreadEvent[] = [];
  private readonly subs = new Set<Subscriber>();
  private readonly rand: () => number;

  constructor(seed: number) {
    let s = seed >>> 0 || 1;
    this.rand = () => {
      s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
      return s / 2_147_483_648;
    };
  }

  /** Appends `event` (its position already set) and starts delivering it. */
  append(event: ThreadEvent): void {
    this.log.push(event);
    for (const sub of this.subs) this.pump(sub);
  }

  /** Up to `max` ms: deliveries are quick, reads slower (an HTTP round trip against a pushed event). */
  delay(max = 2): Promise<void> {
    const ms = Math.floor(this.rand() * (max + 1));
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** A stream of the log after `cursor` (`c:<n>`: the n-th event; null: from the start). */
  subscribe(cursor: string | null, handlers: EventStreamHandlers): () => void {
    const sub: Subscriber = {
      handlers,
      next: cursor ? Number(cursor.slice(2)) : 0,
      skipNext: false,
      pumping: false,
      open: true,
    };
    this.subs.add(sub);
    this.pump(sub);
    return () => {
      sub.open = false;
      this.subs.delete(sub);
    };
  }

  /** Every open stream fails as a dropped connection would. */
  disconnect() {
    for (const sub of [...this.subs]) {
      sub.open = false;
      this.subs.delete(sub);
      sub.handlers.error(networkError('connection lost (fake)'));
    }
  }

  /** The next event of every open stream is not delivered (a gap). */
  dropNext() {
    for (const sub of this.subs) sub.skipNext = true;
  }

  /** Faults stop: no delivery is dropped any more. */
  heal() {
    for (const sub of this.subs) sub.skipNext = false;
  }

  /** Every open stream re-sends its last `n` events (a resume from an old cursor). */
  resend(n: number) {
    for (const sub of this.subs) sub.next = Math.max(0, sub.next - n);
  }

  subscribers(): number {
    return this.subs.size;
  }

  /** Delivers a subscriber's backlog in order, each event after a short random delay. */
  private pump(sub: Subscriber) {
    if (sub.pumping || !sub.open) return;
    sub.pumping = true;
    void (async () => {
      while (sub.open && sub.next < this.log.length) {
        await this.delay();
        if (!sub.open) break;
        const e = this.log[sub.next] as ThreadEvent;
        sub.next += 1;
        if (sub.skipNext) {
          sub.skipNext = false;
          continue;
        }
        sub.handlers.next(structuredClone(e));
      }
      sub.pumping = false;
    })();
  }
}
