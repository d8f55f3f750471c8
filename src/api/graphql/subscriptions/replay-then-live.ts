/**
 * A resumable event stream: every event after the client's cursor from Postgres, in order, then live events from
 * the process's hub, with no gap and no duplicate even while events commit during the switch.
 *
 * The live listener is registered before the replay starts and buffers what arrives meanwhile. The replay reads
 * pages until it reaches the log's tail; then, in one synchronous step, the buffer is flushed without the events
 * the replay already delivered (sequence ≤ the last one replayed) and the listener starts feeding the client
 * directly. Sequences increase in commit order (the event log's advisory lock), so "after the last delivered
 * sequence" is exact: any event the replay could not see yet is one the listener has or will receive.
 *
 * The replay stops at the hub's position: an event the hub has not read yet reaches this stream through the
 * listener, after the hub's `beforeDeliver` dropped the process's caches (cache/api-caches.ts). Were the replay to
 * hand it out first, a client could read, from this process, cached state older than an event it already holds.
 *
 * A client that cannot keep up (more than `bufferMax` events queued) gets SUBSCRIPTION_FAILED and resumes from
 * the cursor of the last event it received; the server does not hold unbounded memory for it.
 */
import { ChoirError } from '../../../errors/index.js';
import { eventsAfter } from '../read/events.js';
import type { EventRecord, Sql } from '../read/records.js';
import { Channel } from './channel.js';
import type { EventHub } from './event-hub.js';

export interface StreamFilter {
  /** The SQL side of the filter, for the replay. */
  readonly replay: {
    threadAddress?: string | null;
    types?: readonly EventRecord['type'][] | null;
    threads?: readonly string[];
  };
  /** The same filter for live events (may learn: e.g. a thread the viewer was just added to). */
  readonly match: (e: EventRecord) => boolean;
}

const REPLAY_PAGE = 500;

export function replayThenLive(options: {
  hub: EventHub;
  sql: Sql;
  after: bigint;
  filter: StreamFilter;
  bufferMax: number;
  /** Each live event handed to this subscriber (not the replayed ones: those are catching up, not updates). */
  onLive?: (e: EventRecord) => void;
}): Channel<EventRecord> {
  const { hub, sql, filter, bufferMax, onLive } = options;
  const out = new Channel<EventRecord>();
  let last = options.after;
  let live = false;
  const buffered: EventRecord[] = [];

  const overflow = () =>
    new ChoirError('SUBSCRIPTION_FAILED', 'the subscriber fell behind: resubscribe after the last cursor received', {
      details: { lastSequence: last.toString() },
    });

  const stop = hub.listen((e) => {
    if (!filter.match(e)) return;
    if (!live) {
      buffered.push(e);
      if (buffered.length > bufferMax) out.fail(overflow());
      return;
    }
    if (e.sequence <= last) return;
    last = e.sequence;
    out.push(e);
    onLive?.(e);
    if (out.size > bufferMax) out.fail(overflow());
  });
  out.finally(stop);

  (async () => {
    for (;;) {
      if (out.closed) return;
      const page = await eventsAfter(sql, last, REPLAY_PAGE, filter.replay);
      // Read after the await: every event up to it has passed the hub (its loop is synchronous per event).
      const hubHas = hub.position;
      let reachedHub = false;
      for (const e of page) {
        if (e.sequence > hubHas) {
          reachedHub = true;
          break;
        }
        last = e.sequence;
        if (filter.match(e)) out.push(e);
      }
      if (reachedHub || page.length < REPLAY_PAGE) break;
      // Let the client drain before reading the next page (replay is bounded by the consumer, not memory).
      while (out.size > REPLAY_PAGE && !out.closed) await new Promise((r) => setTimeout(r, 5));
    }
    // The switch: synchronous, so no live event can slip between the flush and `live = true`.
    for (const e of buffered.splice(0)) {
      if (e.sequence <= last) continue;
      last = e.sequence;
      out.push(e);
      onLive?.(e);
    }
    live = true;
  })().catch((err) =>
    out.fail(new ChoirError('SUBSCRIPTION_FAILED', 'replaying missed events failed', { cause: err })),
  );
  return out;
}
