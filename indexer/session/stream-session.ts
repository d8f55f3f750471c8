/**
 * One streaming session: subscribe from the cursor, decode, enrich, batch and commit, until the stream ends (or
 * the session is stopped). Returns why it ended; the caller decides between reconnecting and backfilling.
 *
 * Batches: updates queue in stream order with the safe cursor slot reached after each; the writer takes up to
 * `batchMax` of them, waiting at most `batchMs` for a batch to fill, and commits them with that cursor.
 * Backpressure: past 4 × batchMax queued updates the stream is paused until the writer catches up.
 * Gaps: a processed slot whose parent was never seen (and is past the resume point) means the stream skipped
 * something; the session ends so the caller resubscribes from the cursor, which replays the missing range.
 * That processed status comes after the slot's own updates: so that they are never applied ahead of the missing
 * slots (which would drop the older slots' changes to the same rows and collapse their events into this slot),
 * updates of a slot more than one past the last processed slot are held (with everything queued behind them)
 * until that slot's processed status arrives — or dropped with the session if it reveals a gap. Consecutive slots
 * (the normal case) are never held.
 */
import type pg from 'pg';
import { ChoirError } from '../../src/errors/index.js';
import { sleep, withRetry } from '../../src/errors/retry.js';
import type { Logger } from '../../src/observability/logger.js';
import { decodeUpdate } from '../decode/decode-update.js';
import { Enricher } from '../decode/enrich.js';
import type { StreamUpdate } from '../decode/types.js';
import { SafeSlot } from '../order/safe-slot.js';
import { GeyserStream } from '../source/geyser-stream.js';
import type { StatusTracker } from '../status/status.js';
import { writeBatch } from '../write/write-batch.js';

export interface SessionOptions {
  readonly pool: pg.Pool;
  readonly stream: string;
  readonly url: string;
  readonly xToken: string | undefined;
  readonly programId: string;
  readonly cursor: bigint;
  readonly batchMax: number;
  readonly batchMs: number;
  readonly pingDeadlineMs: number;
  readonly status: StatusTracker;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Called after every commit (tests, benchmarks). */
  readonly onCommit?: (info: { applied: number; cursor: bigint | null; seconds: number }) => void;
}

interface Queued {
  readonly update: StreamUpdate;
  readonly safe: bigint | null;
  readonly at: number;
  /** Held until a processed status of this slot is accepted (its parent checked); null: never held. */
  readonly hold: bigint | null;
}

/**
 * Cumulative over the process (milliseconds; benchmarks read it): decoding + enriching stream messages on the
 * event loop (the gRPC client's own protobuf decoding happens before `onData` and is not included), and the writer
 * waiting for updates (queue empty or a batch filling).
 */
export const streamTimings = { decodeMs: 0, writerWaitMs: 0 };

export async function runStreamSession(o: SessionOptions): Promise<ChoirError> {
  const queue: Queued[] = [];
  const enricher = new Enricher();
  const safe = new SafeSlot(o.cursor);
  const seenProcessed = new Set<bigint>([o.cursor]);
  // The highest processed (or dead) slot accepted; queue[0, ready) may be committed.
  let accepted = o.cursor;
  let ready = 0;
  const advanceReady = () => {
    for (let q = queue[ready]; q && (q.hold === null || q.hold <= accepted); q = queue[ready]) ready++;
  };
  let wake: (() => void) | null = null;
  let paused = false;
  let gap: ChoirError | null = null;
  const highWater = o.batchMax * 4;

  const onSkip = (reason: Parameters<typeof o.status.skipped>[0], detail: string, ctx: Record<string, unknown>) => {
    o.status.skipped(reason);
    o.logger.warn({ reason, ...ctx }, `skipped stream data: ${detail}`);
  };

  const onData = (raw: unknown) => {
    if (gap) return;
    const t = performance.now();
    try {
      accept(raw);
    } finally {
      streamTimings.decodeMs += performance.now() - t;
    }
  };

  const accept = (raw: unknown) => {
    const update = decodeUpdate(raw, o.programId, onSkip);
    if (!update) return;
    if (o.status.chainSlot === null || update.slot > o.status.chainSlot) o.status.chainSlot = update.slot;
    if (update.kind === 'slot' && update.status === 'processed') {
      const parent = update.parent;
      if (parent !== null && parent > o.cursor && !seenProcessed.has(parent)) {
        gap = new ChoirError('SOLANA_STREAM_FAILED', `gap: slot ${update.slot} has parent ${parent}, never streamed`);
        o.status.gapsHealed++;
        void o.pool
          .query('UPDATE indexer_cursors SET gaps_healed = gaps_healed + 1 WHERE stream = $1', [o.stream])
          .catch(() => {});
        geyser?.end(gap);
        return;
      }
      seenProcessed.add(update.slot);
    }
    if (update.kind === 'slot' && (update.status === 'processed' || update.status === 'dead')) {
      if (update.slot > accepted) accepted = update.slot;
    }
    const now = Date.now();
    for (const out of enricher.push(update)) {
      safe.observe(out);
      const hold = out.kind !== 'slot' && out.slot > accepted + 1n ? out.slot : null;
      queue.push({ update: out, safe: safe.value, at: now, hold });
    }
    advanceReady();
    if (o.status.oldestPendingAt === null && queue.length > 0) o.status.oldestPendingAt = now;
    // Never pause while nothing can be committed: the status that releases the held updates must come through.
    if (queue.length >= highWater && ready > 0 && !paused) {
      paused = true;
      geyser?.pause();
    }
    wake?.();
  };

  let geyser: GeyserStream | null = null;
  o.status.state = 'connecting';
  geyser = await GeyserStream.open({
    url: o.url,
    xToken: o.xToken,
    programId: o.programId,
    fromSlot: o.cursor + 1n,
    pingDeadlineMs: o.pingDeadlineMs,
    onData,
  });
  o.status.state = 'streaming';
  const onAbort = () => geyser?.end(new ChoirError('SOLANA_STREAM_FAILED', 'indexer stopping'));
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort(); // stopped while subscribing
  let ended: ChoirError | null = null;
  void geyser.closed.then((why) => {
    ended = why;
    wake?.();
  });

  try {
    for (;;) {
      if (ready === 0) {
        // At the end, held updates (of a slot whose processed status never came) are dropped: the next session
        // replays them from the cursor.
        if (ended) break;
        const t = performance.now();
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = null;
        streamTimings.writerWaitMs += performance.now() - t;
        continue;
      }
      // Let a batch fill for up to batchMs, unless it is full or the stream is over.
      const first = queue[0] as Queued;
      const waitMs = o.batchMs - (Date.now() - first.at);
      if (ready < o.batchMax && !ended && waitMs > 0) {
        const t = performance.now();
        await Promise.race([
          sleep(waitMs),
          new Promise<void>((r) => {
            wake = r;
          }),
        ]);
        wake = null;
        streamTimings.writerWaitMs += performance.now() - t;
        if (ready < o.batchMax && !ended && Date.now() - first.at < o.batchMs) continue;
      }
      const batch = queue.splice(0, Math.min(ready, o.batchMax));
      ready -= batch.length;
      const cursor = (batch[batch.length - 1] as Queued).safe;
      const started = performance.now();
      const out = await withRetry(
        () =>
          writeBatch(
            o.pool,
            o.stream,
            batch.map((q) => q.update),
            cursor,
          ),
        {
          attempts: 10,
          baseDelayMs: 100,
          maxDelayMs: 5_000,
          shouldRetry: () => !o.signal.aborted,
          onRetry: (err) => o.logger.warn({ err }, 'batch commit failed; retrying'),
        },
      );
      const seconds = (performance.now() - started) / 1000;
      for (const q of batch) {
        const u = q.update;
        if (u.kind === 'slot' && u.status === 'processed' && (o.status.lastProcessed ?? -1n) < u.slot) {
          o.status.lastProcessed = u.slot;
        }
      }
      if (out.orphans) o.status.skipped('orphan', out.orphans);
      o.status.committed({
        applied: batch.length,
        seconds,
        cursor,
        confirmed: out.confirmedSlot,
        finalized: out.finalizedSlot,
      });
      o.status.oldestPendingAt = queue[0]?.at ?? null;
      o.onCommit?.({ applied: batch.length, cursor, seconds });
      if (paused && (queue.length < o.batchMax || ready === 0)) {
        paused = false;
        geyser.resume();
      }
    }
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    geyser.end();
  }
  return gap ?? (ended as unknown as ChoirError);
}
