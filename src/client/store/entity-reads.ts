/**
 * The thread store's reads of what events do not carry: a message's content and other unreported fields, the
 * thread's balance and counts. Reads are batched (a short delay), bounded (concurrency), and each keeps a log of
 * the events applied to its entity while it was in flight, replayed on the answer (reducer.ts explains why that
 * converges). A reload makes every read in flight stale (`generation`): their answers are dropped.
 */
import { backoffDelay, type ChoirError } from '../../errors/index.js';
import { toClientError } from '../errors.js';
import { applyToHeader, applyToMessage, fromServer, type StoreState } from './reducer.js';
import type { ThreadSource } from './source.js';
import type { MessageEntry, ServerMessage, ThreadEvent } from './types.js';

/** What the reads need from their store. */
export interface ReadHost {
  readonly address: string;
  readonly source: ThreadSource;
  state(): StoreState;
  /** A reload is running: its snapshot will answer whatever is queued. */
  reloading(): boolean;
  closed(): boolean;
  report(error: ChoirError): void;
  changed(): void;
  readonly policy: { baseDelayMs: number; maxDelayMs: number; random?: () => number };
  readonly readDelayMs: number;
  readonly readConcurrency: number;
}

/** Events that change the fields a header read replaces and must be replayed on its answer. */
const isHeaderEvent = (e: ThreadEvent) =>
  e.__typename === 'ThreadCreated' ||
  e.__typename === 'CoAuthorAdded' ||
  (e.__typename === 'CommitmentChanged' && e.threadChanged);

export class EntityReads {
  /** Message reads queued or in flight → the events applied to that message since. */
  private logs = new Map<string, ThreadEvent[]>();
  private again = new Set<string>();
  private queue = new Set<string>();
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private headerLog: ThreadEvent[] | null = null;
  private headerAgain = false;
  private headerInFlight = false;
  private generation = 0;
  private attempts = 0;

  constructor(private readonly host: ReadHost) {}

  /** Nothing queued or unanswered. */
  idle(): boolean {
    return (
      this.queue.size === 0 &&
      this.inFlight === 0 &&
      this.logs.size === 0 &&
      this.headerLog === null &&
      !this.headerInFlight
    );
  }

  /** An answer for `address` is coming from elsewhere (a mutation): log events for it from now on. */
  expect(address: string): void {
    this.logs.set(address, []);
  }

  expecting(address: string): boolean {
    return this.logs.has(address);
  }

  /** Stops expecting an answer for `address` (the mutation failed). */
  forget(address: string): void {
    this.logs.delete(address);
  }

  /** Records `e`, just applied, in the logs of the reads it concerns. */
  applied(e: ThreadEvent, messages: readonly string[]): void {
    for (const address of messages) this.logs.get(address)?.push(e);
    if (this.headerLog && isHeaderEvent(e)) this.headerLog.push(e);
  }

  /**
   * A new snapshot replaced the state: reads in flight predate it. Answers still expected for `keep` (optimistic
   * sends) get fresh logs so they still apply.
   */
  reset(keep: (address: string) => boolean): void {
    this.generation += 1;
    const kept = [...this.logs.keys()].filter(keep);
    this.logs = new Map(kept.map((a) => [a, []]));
    this.queue.clear();
    this.again.clear();
    this.headerLog = null;
    this.headerAgain = false;
  }

  message(address: string): void {
    if (this.logs.has(address) && !this.queue.has(address)) {
      // A read is in flight and may predate what just happened: read again after it.
      this.again.add(address);
      return;
    }
    this.logs.set(address, this.logs.get(address) ?? []);
    this.queue.add(address);
    this.schedule();
  }

  header(): void {
    if (this.headerLog) {
      this.headerAgain = true;
      return;
    }
    this.headerLog = [];
    this.schedule();
  }

  /** A read's answer (or a mutation's): replace the entry with it, then replay what happened meanwhile. */
  complete(address: string, message: ServerMessage | null): void {
    const log = this.logs.get(address);
    this.logs.delete(address);
    const state = this.host.state();
    const current = state.messages.get(address);
    if (message) {
      let entry: MessageEntry | undefined = fromServer(message, current);
      for (const e of log ?? []) entry = applyToMessage(entry, e, address).entry;
      if (entry) state.messages.set(address, entry);
    }
    if (this.again.delete(address)) this.message(address);
    this.host.changed();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule() {
    if (this.timer || this.host.closed()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, this.host.readDelayMs);
  }

  private run() {
    if (this.host.closed()) return;
    if (this.host.reloading()) {
      // The reload's snapshot answers these; look again after it.
      this.schedule();
      return;
    }
    const generation = this.generation;
    if (this.headerLog && !this.headerInFlight) this.readHeader(generation);
    for (const address of this.queue) {
      if (this.inFlight >= this.host.readConcurrency) break;
      this.queue.delete(address);
      this.inFlight += 1;
      this.host.source.message(address).then(
        (message) => {
          this.inFlight -= 1;
          this.attempts = 0;
          if (generation === this.generation && !this.host.closed()) this.complete(address, message);
          if (this.queue.size) this.schedule();
        },
        (err: unknown) => {
          this.inFlight -= 1;
          this.host.report(toClientError(err));
          if (generation === this.generation) {
            this.logs.delete(address);
            this.retryLater(() => this.message(address));
          }
          if (this.queue.size) this.schedule();
        },
      );
    }
  }

  private readHeader(generation: number) {
    this.headerInFlight = true;
    this.host.source.header(this.host.address).then(
      (header) => {
        this.headerInFlight = false;
        this.attempts = 0;
        if (generation !== this.generation || this.host.closed() || !this.headerLog) return;
        const state = this.host.state();
        let next = header ?? state.thread;
        for (const e of this.headerLog) next = applyToHeader(next, e);
        state.thread = next;
        this.headerLog = null;
        if (this.headerAgain) {
          this.headerAgain = false;
          this.header();
        }
        this.host.changed();
      },
      (err: unknown) => {
        this.headerInFlight = false;
        this.host.report(toClientError(err));
        if (generation === this.generation) {
          this.headerLog = null;
          this.retryLater(() => this.header());
        }
      },
    );
  }

  private retryLater(fn: () => void) {
    this.attempts += 1;
    setTimeout(
      () => {
        if (!this.host.closed()) fn();
      },
      backoffDelay(this.attempts, this.host.policy),
    );
  }
}
