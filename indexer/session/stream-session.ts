/**
 * One streaming session: subscribe from the cursor, decode, order, commit in batches — until the stream ends (or
 * the session is stopped). Returns why it ended; the caller decides between reconnecting and backfilling.
 *
 * The stages are apart: the source delivers raw updates (source/), decodeUpdate turns them into Choir updates
 * (decode/), StreamOrder enriches, holds and detects gaps (order/), writeBatch commits (write/). What is left here
 * is waiting and pressure: the writer takes up to the sizer's count of ready updates (at most `batchMax`, fewer when
 * that many would take longer than `batchTargetMs` to write: batch-sizer.ts), waiting at most `batchMs` for a batch to
 * fill; past 4 × batchMax queued updates the source is paused until the writer catches up. A gap ends the session
 * (after committing what came before it); the caller resubscribes from the cursor, which replays the missing
 * range, and passes the gap on so the healing batch counts it.
 */
import type pg from 'pg';
import { ChoirError } from '../../src/errors/index.js';
import { sleep, withRetry } from '../../src/errors/retry.js';
import type { Logger } from '../../src/observability/logger.js';
import { decodeUpdate } from '../decode/decode-update.js';
import { StreamOrder } from '../order/stream-order.js';
import type { SourceStream, StreamSource } from '../source/stream-source.js';
import type { StageTimings } from '../status/stage-timings.js';
import type { StatusTracker } from '../status/status.js';
import { writeBatch } from '../write/write-batch.js';
import { BatchSizer } from './batch-sizer.js';

export interface SessionOptions {
  readonly pool: pg.Pool;
  readonly stream: string;
  readonly source: StreamSource;
  readonly programId: string;
  readonly cursor: bigint;
  readonly batchMax: number;
  /** Time budget per batch (ms) that sizes batches below batchMax; 0: always up to batchMax (batch-sizer.ts). */
  readonly batchTargetMs: number;
  readonly batchMs: number;
  readonly status: StatusTracker;
  readonly timings: StageTimings;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Gaps found by earlier sessions that this one's replay heals: counted with its first commit, then zeroed. */
  readonly gaps: { pending: number };
  /** Called after every commit (tests, benchmarks). */
  /** `arrivedAt`: when the batch's oldest update reached the indexer (ms since the epoch): arrival → commit. */
  readonly onCommit?: (info: { applied: number; cursor: bigint | null; seconds: number; arrivedAt: number }) => void;
}

export async function runStreamSession(o: SessionOptions): Promise<ChoirError> {
  const order = new StreamOrder(o.cursor);
  let source: SourceStream | null = null;
  let wake: (() => void) | null = null;
  let paused = false;
  let gap: ChoirError | null = null;
  const highWater = o.batchMax * 4;
  const sizer = new BatchSizer({ batchMax: o.batchMax, targetMs: o.batchTargetMs });
  // Gaps of earlier sessions: this session's replay heals them, so its first commit counts them. (A gap this
  // session finds is healed by the next one.)
  let healing = o.gaps.pending;

  const onSkip = (reason: Parameters<typeof o.status.skipped>[0], detail: string, ctx: Record<string, unknown>) => {
    o.status.skipped(reason);
    o.logger.warn({ reason, ...ctx }, `skipped stream data: ${detail}`);
  };

  const onData = (raw: unknown) => {
    if (gap) return;
    const t = performance.now();
    try {
      const update = decodeUpdate(raw, o.programId, onSkip);
      if (!update) return;
      if (o.status.chainSlot === null || update.slot > o.status.chainSlot) o.status.chainSlot = update.slot;
      const found = order.accept(update, Date.now());
      if (found) {
        gap = new ChoirError(
          'SOLANA_STREAM_FAILED',
          `gap: slot ${found.slot} has parent ${found.parent}, never streamed`,
        );
        o.gaps.pending++;
        source?.end(gap);
        return;
      }
      if (o.status.oldestPendingAt === null) o.status.oldestPendingAt = order.oldestAt;
      // Never pause while nothing can be committed: the status that releases held updates must come through.
      if (order.size >= highWater && order.ready > 0 && !paused) {
        paused = true;
        source?.pause();
      }
      wake?.();
    } finally {
      o.timings.add('decode', performance.now() - t);
    }
  };

  const waitForWork = async (ms?: number) => {
    const t = performance.now();
    const woken = new Promise<void>((r) => {
      wake = r;
    });
    await (ms === undefined ? woken : Promise.race([sleep(ms), woken]));
    wake = null;
    o.timings.add('writer_wait', performance.now() - t);
  };

  o.status.state = 'connecting';
  source = await o.source.open({ programId: o.programId, fromSlot: o.cursor + 1n, onData });
  o.status.state = 'streaming';
  const opened = source;
  const onAbort = () => opened.end(new ChoirError('SOLANA_STREAM_FAILED', 'indexer stopping'));
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort(); // stopped while subscribing
  let ended: ChoirError | null = null;
  void opened.closed.then((why) => {
    ended = why;
    wake?.();
  });

  try {
    for (;;) {
      if (order.ready === 0) {
        // At the end, held updates (of a slot whose processed status never came) are dropped: the next session
        // replays them from the cursor.
        if (ended) break;
        await waitForWork();
        continue;
      }
      // Let a batch fill for up to batchMs, unless it is full, the stream is over, or a slot just ended with nothing
      // behind it (live: the next block is a slot away, so waiting only delays this one's events).
      const firstAt = order.oldestAt ?? Date.now();
      const waitMs = o.batchMs - (Date.now() - firstAt);
      const size = sizer.size;
      const fill = () => order.ready < size && !ended && !order.atSlotEnd;
      if (fill() && waitMs > 0) {
        await waitForWork(waitMs);
        if (fill() && Date.now() - firstAt < o.batchMs) continue;
      }
      const arrivedAt = order.oldestAt ?? Date.now();
      const batch = order.take(size);
      const gapsHealed = healing;
      const started = performance.now();
      const out = await withRetry(
        () => writeBatch(o.pool, o.stream, batch.updates, batch.cursor, { timings: o.timings, gapsHealed }),
        {
          attempts: 10,
          baseDelayMs: 100,
          maxDelayMs: 5_000,
          shouldRetry: () => !o.signal.aborted,
          onRetry: (err) => o.logger.warn({ err }, 'batch commit failed; retrying'),
        },
      );
      const seconds = (performance.now() - started) / 1000;
      sizer.observe(batch.updates.length, seconds);
      o.timings.batchCommitted();
      if (gapsHealed) {
        healing = 0;
        o.gaps.pending -= gapsHealed;
        o.status.gapsHealed += gapsHealed;
      }
      for (const u of batch.updates) {
        if (u.kind === 'slot' && u.status === 'processed' && (o.status.lastProcessed ?? -1n) < u.slot) {
          o.status.lastProcessed = u.slot;
        }
      }
      if (out.orphans) o.status.skipped('orphan', out.orphans);
      o.status.committed({
        applied: batch.updates.length,
        seconds,
        cursor: batch.cursor,
        confirmed: out.confirmedSlot,
        finalized: out.finalizedSlot,
      });
      o.status.oldestPendingAt = order.oldestAt;
      o.onCommit?.({ applied: batch.updates.length, cursor: batch.cursor, seconds, arrivedAt });
      if (paused && (order.size < o.batchMax || order.ready === 0)) {
        paused = false;
        opened.resume();
      }
    }
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    opened.end();
  }
  return gap ?? (ended as unknown as ChoirError);
}
