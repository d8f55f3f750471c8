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
 *   they were in flight and replay it on the answer (entity-reads.ts). A reload makes every read in flight stale.
 * - A source whose snapshots carry the log position they reflect (the API's Thread.lastEventCursor/eventCount,
 *   read in the thread's own statement) is subscribed only after the first snapshot, from that cursor: the
 *   server replays what was committed since, and nothing older is sent again.
 * - Optimistic entries (`local: 'sending'`) live until the mutation answers or the server shows the message.
 */
import { backoffDelay, type ChoirError } from '../../errors/index.js';
import { staleStateError, toClientError } from '../errors.js';
import { EntityReads } from './entity-reads.js';
import { applyEvent, blankMessage, fromServer, type StoreState, touchedMessages } from './reducer.js';
import { ReopeningStream } from './reopening-stream.js';
import type { ThreadSnapshot, ThreadSource } from './source.js';
import { StallCheck } from './stall-check.js';
import type { MessageEntry, ServerMessage, StorePhase, ThreadEvent, ThreadStoreOptions, ThreadView } from './types.js';
import { byCreation, phaseOf } from './view.js';

export type { ThreadStoreOptions } from './types.js';

/** Events kept for views that show the live stream. */
const RECENT_EVENTS = 50;

interface Reload {
  buffer: ThreadEvent[];
  again: boolean;
}

export class ThreadStore {
  private state: StoreState = { thread: null, messages: new Map() };
  private phase: StorePhase = 'loading';
  private cursor: string | null = null;
  private seq = 0;
  /** Events at or below this threadSequence are in the state already (the last snapshot). */
  private floor = 0;
  private reloading: Reload | null = null;
  private readonly reads: EntityReads;
  private readonly stall: StallCheck;
  private readonly stream: ReopeningStream;
  private listeners = new Set<() => void>();
  private view: ThreadView | null = null;
  private notifyQueued = false;
  private error: ChoirError | null = null;
  private reloads = 0;
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
    this.reads = new EntityReads({
      address,
      source,
      state: () => this.state,
      reloading: () => this.reloading !== null,
      closed: () => this.closed,
      report: (error) => this.report(error),
      changed: () => this.changed(),
      policy: this.policy,
      readDelayMs: options.readDelayMs ?? 16,
      readConcurrency: options.readConcurrency ?? 4,
    });
    this.stream = new ReopeningStream(
      source,
      address,
      () => this.cursor,
      {
        next: (e) => this.onEvent(e),
        ended: (err) => this.streamEnded(err),
        downChanged: () => this.updatePhase(),
        closed: () => this.closed,
      },
      this.policy,
    );
    this.stall = new StallCheck(
      {
        live: () => !this.closed && !this.reloading && !this.stream.down && this.stream.isOpen,
        closed: () => this.closed,
        delivered: () => this.seq,
        eventCount: () => this.source.eventCount(this.address),
        // Reopened from the cursor: replay-then-live sends what this stream never delivered.
        reopen: () => this.stream.reopen(),
        report: (error) => this.report(error),
      },
      options.verifyIntervalMs ?? 30_000,
    );
  }

  /** Loads the thread and follows its events. Idempotent. */
  start(): this {
    if (this.started || this.closed) return this;
    this.started = true;
    this.startReload('initial');
    // Without a log position in its snapshots, the stream starts at once, from the thread's first event.
    if (!this.source.snapshotLog) this.stream.open();
    this.stall.start();
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.close();
    this.reads.close();
    this.stall.stop();
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
      reconnects: this.stream.reconnects,
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
    return !this.reloading && !this.stream.down && this.stream.isOpen && this.reads.idle();
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
      ...blankMessage(m.address, this.address, m.hash, m.author, new Date().toISOString()),
      content: m.content,
      kind: m.kind,
      stake: m.stake,
      local: 'sending',
    });
    // The mutation's answer is a read like any other: events applied before it arrives are replayed on it.
    this.reads.expect(m.address);
    this.changed();
  }

  /** The mutation answered with the message as the API holds it. */
  settleOptimistic(message: ServerMessage): void {
    if (!this.reads.expecting(message.address)) {
      // A reload came in between: the answer may predate the snapshot; read the message again instead.
      this.reads.message(message.address);
      return;
    }
    this.reads.complete(message.address, message);
  }

  /** The mutation failed: the server never held the message. Kept, rolled back with the reason, until dismissed. */
  rejectOptimistic(address: string, error: ChoirError): void {
    const entry = this.state.messages.get(address);
    this.reads.forget(address);
    if (entry && !entry.local) {
      // The server holds this message after all (someone else's copy, or the chain's): show its version of it.
      this.reads.message(address);
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

  /** The stream ended; it reopens after a backoff delay (reopening-stream.ts), from the cursor as it is then. */
  private streamEnded(err: ChoirError | null) {
    if (err) this.report(err);
    if (err?.code === 'CURSOR_INVALID') {
      // The cursor cannot be resumed from: start over from the beginning; the reload's floor skips the old events.
      this.cursor = null;
      this.seq = 0;
      this.startReload('cursor');
    }
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
    const touched = touchedMessages(e);
    for (const address of touched) {
      const entry = this.state.messages.get(address);
      // An event about it: the server holds it, whatever the mutation's answer will say.
      if (entry?.local) {
        const { local, ...held } = entry;
        this.state.messages.set(address, held);
        // A rejected entry has no answer coming: read the server's version (a sending one gets the mutation's).
        if (local === 'rejected') this.reads.message(address);
      }
    }
    this.reads.applied(e, touched);
    for (const address of effects.hydrate) this.reads.message(address);
    if (effects.refreshHeader) this.reads.header();
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
      let count: number | undefined;
      let snapshot: ThreadSnapshot | null;
      try {
        // The count is read before the snapshot (or, from a snapshot-log source, with it): every event up to it
        // is in the snapshot.
        if (!this.source.snapshotLog) count = await this.source.eventCount(this.address);
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
      this.replaceState(snapshot, count ?? snapshot?.log?.count ?? 0);
      if (!this.stream.opened && snapshot?.log) {
        // First load from a snapshot-log source: follow the log from exactly where the snapshot stands.
        this.cursor = snapshot.log.cursor;
        this.seq = snapshot.log.count;
      }
      break;
    }
    this.reloading = null;
    if (!this.stream.opened) this.stream.open();
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
    this.reads.reset((a) => messages.get(a)?.local === 'sending');
  }

  // ── Plumbing ───────────────────────────────────────────────────────────────────────────────────────────────

  private report(error: ChoirError) {
    this.error = error;
    this.options.onError?.(error);
    this.changed();
  }

  private updatePhase() {
    const next = phaseOf({
      closed: this.closed,
      reloading: this.reloading !== null,
      hasThread: this.state.thread !== null,
      reloads: this.reloads,
      streamDown: this.stream.down,
    });
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
