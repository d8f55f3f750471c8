/**
 * A live, normalized copy of one thread (the design's `frontend.thread_state = backend.cached_state`): loaded from
 * the API, then kept current from `threadEvents`, resumed from its last cursor after any disconnect.
 *
 * Consistency rules:
 * - The thread's log runs 1, 2, 3, … (threadSequence). An event at or below the last one seen is a duplicate (a
 *   resumed stream re-sent it) and is dropped; one above the next expected means events were missed: reload.
 * - A reload reads how many events the log holds (n), then the snapshot: every event up to n is in the snapshot,
 *   so those are skipped; later ones (buffered while loading) are applied on top.
 * - Retracted and Recovered events make the state unknowable from events: reload.
 * - Reads that replace an entry (a message's content, the thread's balance) keep a log of the events applied while
 *   they were in flight and replay it on the answer (reducer.ts explains why replaying converges). A reload makes
 *   every read in flight stale (generation) and their answers are dropped.
 * - Optimistic entries (`local: 'sending'`) live until the mutation answers or the server shows the message.
 */
import { backoffDelay, type ChoirError } from '../../errors/index.js';
import { staleStateError, toClientError } from '../errors.js';
import { applyEvent, applyToHeader, applyToMessage, fromServer, type StoreState, touchedMessages } from './reducer.js';
import type { ThreadSnapshot, ThreadSource } from './source.js';
import type { MessageEntry, ServerMessage, StorePhase, ThreadEvent, ThreadView } from './types.js';

export interface ThreadStoreOptions {
  /** Resubscribe and re-read delays: exponential with jitter (src/errors/retry.ts backoffDelay). */
  reconnect?: { baseDelayMs: number; maxDelayMs: number; random?: () => number };
  /** How long reads of unreported fields wait to be batched with others (ms). */
  readDelayMs?: number;
  /** Reads in flight at once. */
  readConcurrency?: number;
  /**
   * How often a live store asks the API how long the thread's log is (ms; 0: never). A log still longer than what
   * the stream delivered at the next check means the stream stalled or lost its last events: it is reopened from
   * the cursor, and the server replays what is missing. Default 30 s.
   */
  verifyIntervalMs?: number;
  /** Every error the store meets (it recovers by itself; this is for logs and metrics). */
  onError?: (error: ChoirError) => void;
}

/** Events kept for views that show the live stream. */
const RECENT_EVENTS = 50;

interface Reload {
  buffer: ThreadEvent[];
  again: boolean;
}

/** Events that change the fields a header read replaces and must be replayed on its answer. */
const isHeaderEvent = (e: ThreadEvent) =>
  e.__typename === 'ThreadCreated' ||
  e.__typename === 'CoAuthorAdded' ||
  (e.__typename === 'CommitmentChanged' && e.threadChanged);

export class ThreadStore {
  private state: StoreState = { thread: null, messages: new Map() };
  private phase: StorePhase = 'loading';
  private cursor: string | null = null;
  private seq = 0;
  /** Events at or below this threadSequence are in the state already (the last snapshot). */
  private floor = 0;
  private reloading: Reload | null = null;
  private generation = 0;
  /** Message reads queued or in flight → the events applied to that message since. */
  private readLogs = new Map<string, ThreadEvent[]>();
  private readAgain = new Set<string>();
  private readQueue = new Set<string>();
  private readsInFlight = 0;
  private readTimer: ReturnType<typeof setTimeout> | null = null;
  private headerLog: ThreadEvent[] | null = null;
  private headerAgain = false;
  private headerInFlight = false;
  private stopStream: (() => void) | null = null;
  private streamDown = false;
  private attempts = 0;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<() => void>();
  private view: ThreadView | null = null;
  private notifyQueued = false;
  private error: ChoirError | null = null;
  private reloads = 0;
  private reconnects = 0;
  private recent: readonly ThreadEvent[] = [];
  private closed = false;
  private started = false;
  private readonly policy: { baseDelayMs: number; maxDelayMs: number; random?: () => number };

  constructor(
    readonly address: string,
    private readonly source: ThreadSource,
    private readonly options: ThreadStoreOptions = {},
  ) {
    this.policy = options.reconnect ?? { baseDelayMs: 250, maxDelayMs: 10_000 };
  }

  /** Loads the thread and follows its events. Idempotent. */
  start(): this {
    if (this.started || this.closed) return this;
    this.started = true;
    this.startReload('initial');
    this.openStream();
    this.scheduleVerify();
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopStream?.();
    this.stopStream = null;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    if (this.readTimer) clearTimeout(this.readTimer);
    if (this.verifyTimer) clearTimeout(this.verifyTimer);
    this.phase = 'closed';
    this.changed();
  }

  // ── Views ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** The current view; the same object until something changes (React's useSyncExternalStore contract). */
  getSnapshot = (): ThreadView => {
    this.view ??= {
      address: this.address,
      phase: this.phase,
      thread: this.state.thread,
      messages: [...this.state.messages.values()].sort(byCreation),
      cursor: this.cursor,
      threadSequence: this.seq,
      error: this.error,
      reloads: this.reloads,
      reconnects: this.reconnects,
      recentEvents: this.recent,
    };
    return this.view;
  };

  /** Calls `listener` after changes (batched: one call per burst of events). */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Nothing in flight: no reload, no read queued or unanswered, the stream open, every optimistic send answered.
   * Together with an up-to-date threadSequence, the view then equals the server's state.
   */
  isSettled(): boolean {
    return (
      !this.reloading &&
      !this.streamDown &&
      this.stopStream !== null &&
      this.readQueue.size === 0 &&
      this.readsInFlight === 0 &&
      this.readLogs.size === 0 &&
      this.headerLog === null &&
      !this.headerInFlight
    );
  }

  message(address: string): MessageEntry | undefined {
    return this.state.messages.get(address);
  }

  /** Resolves with the first view that satisfies `predicate` (checked now and after each change). */
  waitFor(predicate: (view: ThreadView) => boolean, timeoutMs = 30_000): Promise<ThreadView> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const view = this.getSnapshot();
        if (!predicate(view)) return false;
        stop();
        clearTimeout(timer);
        resolve(view);
        return true;
      };
      const stop = this.subscribe(() => void check());
      const timer = setTimeout(() => {
        stop();
        reject(staleStateError(`the thread view did not reach the expected state within ${timeoutMs} ms`));
      }, timeoutMs);
      check();
    });
  }

  // ── Optimistic entries (ChoirClient.submitMessage) ─────────────────────────────────────────────────────────

  /** Shows a message the user is submitting, before the API has answered. */
  beginOptimistic(m: Pick<MessageEntry, 'address' | 'hash' | 'author' | 'content' | 'kind' | 'stake'>): void {
    if (this.state.messages.has(m.address)) return;
    this.state.messages.set(m.address, {
      ...m,
      threadAddress: this.address,
      status: 'PENDING',
      chainStatus: null,
      expiresAt: null,
      approvals: 0,
      denials: 0,
      commitment: null,
      indexInThread: null,
      createdAt: new Date().toISOString(),
      votes: {},
      reason: null,
      local: 'sending',
    });
    // The mutation's answer is a read like any other: events applied before it arrives are replayed on it.
    this.readLogs.set(m.address, []);
    this.changed();
  }

  /** The mutation answered with the message as the API holds it. */
  settleOptimistic(message: ServerMessage): void {
    if (!this.readLogs.has(message.address)) {
      // A reload came in between: the answer may predate the snapshot; read the message again instead.
      this.queueRead(message.address);
      return;
    }
    this.completeRead(message.address, message);
  }

  /** The mutation failed: the server never held the message. Kept, rolled back with the reason, until dismissed. */
  rejectOptimistic(address: string, error: ChoirError): void {
    const entry = this.state.messages.get(address);
    this.readLogs.delete(address);
    if (entry && !entry.local) {
      // The server holds this message after all (someone else's copy, or the chain's): show its version of it.
      this.queueRead(address);
      return;
    }
    if (entry?.local !== 'sending') return;
    this.state.messages.set(address, { ...entry, status: 'ROLLED_BACK', reason: error.code, local: 'rejected' });
    this.changed();
  }

  /** Removes a rejected entry the user has seen. */
  dismiss(address: string): void {
    if (this.state.messages.get(address)?.local !== 'rejected') return;
    this.state.messages.delete(address);
    this.changed();
  }

  /** Throws away the state and loads it again (the UI's "reload" action; also the State errors' recovery). */
  reload(): void {
    this.startReload('requested');
  }

  // ── The event stream ───────────────────────────────────────────────────────────────────────────────────────

  private openStream() {
    if (this.closed) return;
    this.stopStream = this.source.events(this.address, () => this.cursor, {
      next: (e) => {
        this.attempts = 0;
        this.onEvent(e);
      },
      error: (err) => this.streamEnded(err),
      complete: () => this.streamEnded(null),
      disconnected: (down) => {
        if (down === this.streamDown) return;
        this.streamDown = down;
        if (down) this.reconnects += 1;
        this.updatePhase();
      },
    });
  }

  private streamEnded(err: ChoirError | null) {
    this.stopStream = null;
    if (this.closed) return;
    if (err) this.report(err);
    if (err?.code === 'CURSOR_INVALID') {
      // The cursor cannot be resumed from: start over from the beginning; the reload's floor skips the old events.
      this.cursor = null;
      this.seq = 0;
      this.startReload('cursor');
    }
    this.streamDown = true;
    this.reconnects += 1;
    this.updatePhase();
    this.attempts += 1;
    this.reopenTimer = setTimeout(
      () => {
        this.reopenTimer = null;
        this.streamDown = false;
        this.openStream();
        this.updatePhase();
      },
      backoffDelay(this.attempts, this.policy),
    );
  }

  private onEvent(e: ThreadEvent) {
    if (this.closed || e.threadAddress !== this.address) return;
    const n = Number(e.threadSequence);
    if (n <= this.seq) return; // a duplicate: a resumed stream re-sent it
    const gap = n > this.seq + 1;
    const expected = this.seq + 1;
    this.seq = n;
    this.cursor = e.cursor;
    if (gap) {
      this.report(staleStateError(`thread events ${expected}..${n - 1} were not received`, { from: expected, to: n }));
      this.startReload('gap');
    }
    if (this.reloading) {
      this.reloading.buffer.push(e);
      this.changed();
      return;
    }
    this.apply(e);
  }

  private apply(e: ThreadEvent) {
    if (Number(e.threadSequence) <= this.floor) {
      this.changed(); // already in the snapshot; only the cursor moved
      return;
    }
    this.recent = [...this.recent.slice(-(RECENT_EVENTS - 1)), e];
    const effects = applyEvent(this.state, e);
    if (effects.reload) {
      this.report(staleStateError(`a ${effects.reload} event changed the thread`, { event: e.__typename }));
      this.startReload(effects.reload);
      return;
    }
    for (const address of touchedMessages(e)) {
      const entry = this.state.messages.get(address);
      // An event about it: the server holds it, whatever the mutation's answer will say.
      if (entry?.local) {
        const { local, ...held } = entry;
        this.state.messages.set(address, held);
        // A rejected entry has no answer coming: read the server's version (a sending one gets the mutation's).
        if (local === 'rejected') this.queueRead(address);
      }
      this.readLogs.get(address)?.push(e);
    }
    if (this.headerLog && isHeaderEvent(e)) this.headerLog.push(e);
    for (const address of effects.hydrate) this.queueRead(address);
    if (effects.refreshHeader) this.queueHeader();
    this.changed();
  }

  // ── Reloads ────────────────────────────────────────────────────────────────────────────────────────────────

  private startReload(reason: string) {
    if (this.closed) return;
    if (this.reloading) {
      this.reloading.again = true;
      return;
    }
    if (reason !== 'initial') this.reloads += 1;
    this.reloading = { buffer: [], again: false };
    this.updatePhase();
    void this.runReload(this.reloading);
  }

  private async runReload(r: Reload) {
    let failures = 0;
    for (;;) {
      r.again = false;
      let count: number;
      let snapshot: ThreadSnapshot | null;
      try {
        count = await this.source.eventCount(this.address);
        snapshot = await this.source.snapshot(this.address);
      } catch (err) {
        if (this.closed) return;
        this.report(toClientError(err));
        failures += 1;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, this.policy)));
        if (this.closed) return;
        continue;
      }
      if (this.closed) return;
      if (r.again) continue; // something newer than this snapshot made it stale already
      this.replaceState(snapshot, count);
      break;
    }
    this.reloading = null;
    const buffered = r.buffer;
    for (let i = 0; i < buffered.length; i++) {
      const e = buffered[i] as ThreadEvent;
      // An event in the buffer may start another reload: the rest belongs to that one.
      if (this.reloading) (this.reloading as Reload).buffer.push(e);
      else this.apply(e);
    }
    this.updatePhase();
    this.changed();
  }

  private replaceState(snapshot: ThreadSnapshot | null, count: number) {
    this.generation += 1;
    const messages = new Map<string, MessageEntry>();
    for (const m of snapshot?.messages ?? [])
      messages.set(m.address, fromServer(m, this.state.messages.get(m.address)));
    // What only this client knows survives: messages being sent, and rejected ones not yet dismissed.
    for (const [address, entry] of this.state.messages) {
      if (entry.local && !messages.has(address)) messages.set(address, entry);
    }
    this.state = { thread: snapshot?.thread ?? null, messages };
    this.floor = Math.max(this.floor, count);
    // Reads in flight predate the snapshot; optimistic sends keep their (fresh) logs so their answers still apply.
    const sending = [...this.readLogs.keys()].filter((a) => messages.get(a)?.local === 'sending');
    this.readLogs = new Map(sending.map((a) => [a, []]));
    this.readQueue.clear();
    this.readAgain.clear();
    this.headerLog = null;
    this.headerAgain = false;
  }

  // ── Reads of what events do not carry ──────────────────────────────────────────────────────────────────────

  private queueRead(address: string) {
    if (this.readLogs.has(address) && !this.readQueue.has(address)) {
      // A read is in flight and may predate what just happened: read again after it.
      this.readAgain.add(address);
      return;
    }
    this.readLogs.set(address, this.readLogs.get(address) ?? []);
    this.readQueue.add(address);
    this.scheduleReads();
  }

  private queueHeader() {
    if (this.headerLog) {
      this.headerAgain = true;
      return;
    }
    this.headerLog = [];
    this.scheduleReads();
  }

  private scheduleReads() {
    if (this.readTimer || this.closed) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      this.runReads();
    }, this.options.readDelayMs ?? 16);
  }

  private runReads() {
    if (this.closed || this.reloading) {
      // The reload's snapshot answers these; nothing to read.
      if (this.reloading) this.scheduleReads();
      return;
    }
    const generation = this.generation;
    if (this.headerLog && !this.headerInFlight) {
      this.headerInFlight = true;
      this.source.header(this.address).then(
        (header) => {
          this.headerInFlight = false;
          if (generation !== this.generation || this.closed || !this.headerLog) return;
          let next = header ?? this.state.thread;
          for (const e of this.headerLog) next = applyToHeader(next, e);
          this.state.thread = next;
          this.headerLog = null;
          if (this.headerAgain) {
            this.headerAgain = false;
            this.queueHeader();
          }
          this.changed();
        },
        (err: unknown) => {
          this.headerInFlight = false;
          this.report(toClientError(err));
          if (generation === this.generation) {
            this.headerLog = null;
            this.retryLater(() => this.queueHeader());
          }
        },
      );
    }
    const limit = this.options.readConcurrency ?? 4;
    for (const address of this.readQueue) {
      if (this.readsInFlight >= limit) break;
      this.readQueue.delete(address);
      this.readsInFlight += 1;
      this.source.message(address).then(
        (message) => {
          this.readsInFlight -= 1;
          if (generation === this.generation && !this.closed) this.completeRead(address, message);
          if (this.readQueue.size) this.scheduleReads();
        },
        (err: unknown) => {
          this.readsInFlight -= 1;
          this.report(toClientError(err));
          if (generation === this.generation) {
            this.readLogs.delete(address);
            this.retryLater(() => this.queueRead(address));
          }
          if (this.readQueue.size) this.scheduleReads();
        },
      );
    }
  }

  // ── Stall detection ────────────────────────────────────────────────────────────────────────────────────────

  private verifyTimer: ReturnType<typeof setTimeout> | null = null;
  /** A log length seen above what the stream had delivered at the last check. */
  private suspect = 0;

  private scheduleVerify() {
    const interval = this.options.verifyIntervalMs ?? 30_000;
    if (interval <= 0 || this.closed) return;
    this.verifyTimer = setTimeout(() => {
      this.verifyTimer = null;
      void this.verify().finally(() => this.scheduleVerify());
    }, interval);
  }

  private async verify() {
    if (this.closed || this.reloading || this.streamDown || !this.stopStream) return;
    if (this.suspect > this.seq) {
      this.report(staleStateError(`the event stream stopped at ${this.seq} of at least ${this.suspect} events`));
      this.suspect = 0;
      // Reopened from the cursor: replay-then-live sends what this stream never delivered.
      this.stopStream();
      this.openStream();
      return;
    }
    try {
      const count = await this.source.eventCount(this.address);
      this.suspect = count > this.seq ? count : 0;
    } catch (err) {
      this.report(toClientError(err));
    }
  }

  private retryLater(fn: () => void) {
    this.attempts += 1;
    setTimeout(
      () => {
        if (!this.closed) fn();
      },
      backoffDelay(this.attempts, this.policy),
    );
  }

  /** A read's answer (or a mutation's): replace the entry with it, then replay what happened meanwhile. */
  private completeRead(address: string, message: ServerMessage | null) {
    const log = this.readLogs.get(address);
    this.readLogs.delete(address);
    const current = this.state.messages.get(address);
    if (message) {
      let entry: MessageEntry | undefined = fromServer(message, current);
      for (const e of log ?? []) entry = applyToMessage(entry, e, address).entry;
      if (entry) this.state.messages.set(address, entry);
    }
    if (this.readAgain.delete(address)) this.queueRead(address);
    this.changed();
  }

  // ── Plumbing ───────────────────────────────────────────────────────────────────────────────────────────────

  private report(error: ChoirError) {
    this.error = error;
    this.options.onError?.(error);
    this.changed();
  }

  private updatePhase() {
    const next: StorePhase = this.closed
      ? 'closed'
      : this.reloading
        ? this.state.thread || this.reloads > 0
          ? 'reloading'
          : 'loading'
        : this.streamDown
          ? 'reconnecting'
          : this.state.thread
            ? 'live'
            : 'missing';
    if (next !== this.phase) {
      this.phase = next;
      this.changed();
    }
  }

  private changed() {
    this.view = null;
    if (this.phase === 'missing' && this.state.thread) this.phase = 'live';
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const l of [...this.listeners]) l();
    });
  }
}

function byCreation(a: MessageEntry, b: MessageEntry): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}
