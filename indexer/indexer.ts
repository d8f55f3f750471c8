/**
 * The indexer process: stand by until this instance holds the stream's leader lock, then keep Postgres (and,
 * through the outbox, the vector store) in step with the chain — check the chain identity, backfill if there is no
 * cursor (or the stream cannot replay far enough), stream from the cursor, reconnect with exponential backoff and
 * jitter whenever the stream fails or goes silent. Losing the lock stops the writer and returns to standby.
 */
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { CHOIR_PROGRAM_ID } from '../programs/choir/client/index.js';
import type { IndexerSettings } from '../src/config/sections/indexer.js';
import { ChoirError } from '../src/errors/index.js';
import { backoffDelay, sleep } from '../src/errors/retry.js';
import type { Logger } from '../src/observability/logger.js';
import type { OutboxWorker } from '../src/pipeline/outbox/index.js';
import type { VectorStore } from '../src/vector/types.js';
import { backfill } from './backfill/backfill.js';
import { rpcHistory } from './backfill/backfill-history.js';
import { leaderLock } from './leader/leader-lock.js';
import { runStreamSession } from './session/stream-session.js';
import { startVectorPayloadWorker } from './sinks/vector-payload.js';
import { getGenesisHash, getProgramAccounts } from './source/rpc.js';
import type { StreamSource } from './source/stream-source.js';
import { yellowstoneSource } from './source/yellowstone-source.js';
import { type Stage, StageTimings } from './status/stage-timings.js';
import { type IndexerStatus, StatusTracker } from './status/status.js';
import { assertSameChain, type ChainIdentity, readCursor } from './write/cursor.js';
import { resetIndexedData } from './write/reset.js';

/** Errors retrying cannot fix: the indexer stops and says why. */
const FATAL = new Set(['SOLANA_WRONG_CHAIN', 'CONFIG_INVALID', 'DATABASE_NOT_MIGRATED']);

/** Where the devnet listens by default (DEVNET_GEYSER_PORT / DEVNET_RPC_PORT defaults). */
export const DEVNET_GEYSER_URL = 'http://127.0.0.1:10000';
export const DEVNET_RPC_URL = 'http://127.0.0.1:8899';

export interface StartIndexerOptions {
  /** Needs `url` (the leader lock uses its own connection) and `pool`. */
  readonly db: { readonly url: string; readonly pool: pg.Pool };
  readonly settings: IndexerSettings;
  readonly logger: Logger;
  readonly vectorStore?: Pick<VectorStore, 'setPayload'>;
  readonly metrics?: Registry;
  /** Wipe the indexed data of another chain and re-index instead of refusing to run. */
  readonly reset?: boolean;
  readonly programId?: string;
  /** After each committed batch; `arrivedAt` is when its oldest update reached the indexer (ms since the epoch). */
  readonly onCommit?: (info: { applied: number; cursor: bigint | null; seconds: number; arrivedAt: number }) => void;
  /** Where updates come from (default: the Yellowstone endpoint of `settings`); tests and benches pass another. */
  readonly source?: StreamSource;
  /** Backoff of vector payload retries (default 0.5 s doubling to 30 s). */
  readonly outboxRetry?: { baseDelayMs?: number; maxDelayMs?: number };
}

export interface RunningIndexer {
  status(): IndexerStatus;
  /** Cumulative seconds per pipeline stage (see status/stage-timings.ts). */
  timings(): Record<Stage, number>;
  readonly readiness: ReturnType<StatusTracker['readiness']>;
  /** Resolves when the indexer stops for good (close, or a fatal error such as SOLANA_WRONG_CHAIN). */
  readonly stopped: Promise<void>;
  close(): Promise<void>;
}

export function startIndexer(o: StartIndexerOptions): RunningIndexer {
  const { settings } = o;
  const log = o.logger.child({ component: 'indexer', stream: settings.stream });
  const programId = o.programId ?? CHOIR_PROGRAM_ID.toBase58();
  const geyserUrl = settings.geyserUrl ?? DEVNET_GEYSER_URL;
  const rpcUrl = settings.rpcUrl ?? DEVNET_RPC_URL;
  const status = new StatusTracker(settings.stream, o.metrics);
  const timings = new StageTimings(o.metrics);
  const source =
    o.source ??
    yellowstoneSource({ url: geyserUrl, xToken: settings.geyserXToken, pingDeadlineMs: settings.pingDeadlineMs });
  // Gaps found by a session and not yet healed by a committed replay (counted in the healing batch).
  const gaps = { pending: 0 };
  const controller = new AbortController();
  const lock = leaderLock(o.db.url, settings.stream, settings.leaderPollMs);
  const worker: OutboxWorker | null = o.vectorStore
    ? startVectorPayloadWorker(o.db.pool, o.vectorStore, log, {
        batchSize: settings.outboxBatch,
        retry: o.outboxRetry,
      })
    : null;

  async function prepare(identity: ChainIdentity): Promise<bigint> {
    let cursor = await readCursor(o.db.pool, settings.stream);
    if (cursor) {
      try {
        assertSameChain(cursor, identity);
      } catch (err) {
        if (!o.reset) throw err;
        log.warn({ identity }, 'indexed data belongs to another chain: --reset wipes it and re-indexes');
        await resetIndexedData(o.db.pool, settings.stream);
        cursor = null;
      }
    } else if (o.reset) await resetIndexedData(o.db.pool, settings.stream);
    if (cursor) return cursor.slot;
    return runBackfill(identity, null);
  }

  async function runBackfill(identity: ChainIdentity, previousCursor: bigint | null): Promise<bigint> {
    status.state = 'backfilling';
    const snapshot = await getProgramAccounts(rpcUrl, programId);
    const result = await backfill(
      o.db.pool,
      settings.stream,
      identity,
      snapshot,
      (reason, detail) => {
        status.skipped(reason);
        log.warn({ reason }, `backfill skipped data: ${detail}`);
      },
      {
        history: rpcHistory(rpcUrl, programId),
        maxSignatures: settings.backfillSignatures,
        previousCursor,
        logger: log,
      },
    );
    log.info({ ...result, slot: result.slot.toString() }, 'backfilled from RPC');
    status.cursor = result.slot;
    return result.slot;
  }

  async function lead(signal: AbortSignal): Promise<void> {
    const identity = { genesisHash: await getGenesisHash(rpcUrl), programId };
    let cursor = await prepare(identity);
    status.cursor = cursor;
    let failures = 0;
    while (!signal.aborted) {
      let why: ChoirError;
      let delivered = status.updatesApplied;
      try {
        why = await runStreamSession({
          pool: o.db.pool,
          stream: settings.stream,
          source,
          programId,
          cursor,
          batchMax: settings.batchMax,
          batchTargetMs: settings.batchTargetMs,
          batchMs: settings.batchMs,
          status,
          timings,
          logger: log,
          signal,
          gaps,
          onCommit: o.onCommit,
        });
      } catch (err) {
        why = err instanceof ChoirError ? err : new ChoirError('SOLANA_STREAM_FAILED', String(err), { cause: err });
      }
      if (signal.aborted) break;
      status.lastError = why.message;
      const saved = await readCursor(o.db.pool, settings.stream);
      cursor = saved?.slot ?? cursor;
      if (why.code === 'SOLANA_REPLAY_UNAVAILABLE') {
        log.warn({ cursor: cursor.toString() }, 'stream cannot replay from the cursor: backfilling from RPC');
        cursor = await runBackfill(identity, cursor);
        continue;
      }
      delivered = status.updatesApplied - delivered;
      failures = delivered > 0 ? 1 : failures + 1;
      status.reconnects++;
      status.state = 'reconnecting';
      const delay = backoffDelay(failures, {
        baseDelayMs: settings.reconnectBaseMs,
        maxDelayMs: settings.reconnectMaxMs,
      });
      log.warn({ err: why.message, delayMs: delay, cursor: cursor.toString() }, 'geyser stream ended; reconnecting');
      await sleep(delay, signal).catch(() => {});
    }
  }

  let failures = 0;
  const stopped = (async () => {
    while (!controller.signal.aborted) {
      status.role = 'standby';
      status.state = 'idle';
      let leadership: { lost: Promise<void> };
      try {
        leadership = await lock.acquire(controller.signal);
      } catch {
        break;
      }
      status.role = 'leader';
      log.info('leading: this instance writes the stream');
      const term = new AbortController();
      const stop = () => term.abort(new Error('stopping'));
      controller.signal.addEventListener('abort', stop, { once: true });
      void leadership.lost.then(() => {
        log.warn('lost the leader lock');
        term.abort(new Error('lost the leader lock'));
      });
      try {
        await lead(term.signal);
      } catch (err) {
        if (!term.signal.aborted) {
          status.lastError = (err as Error).message;
          if (err instanceof ChoirError && FATAL.has(err.code)) {
            status.state = 'failed';
            status.lastErrorCode = err.code;
            log.error({ err }, 'indexer stopped');
            controller.abort(err);
          } else {
            // RPC or Postgres trouble: give the lock back, wait, and try again.
            failures++;
            status.state = 'reconnecting';
            log.warn({ err }, 'indexer failed; retrying');
            const delay = backoffDelay(failures, {
              baseDelayMs: settings.reconnectBaseMs,
              maxDelayMs: settings.reconnectMaxMs,
            });
            await sleep(delay, controller.signal).catch(() => {});
          }
        }
      } finally {
        controller.signal.removeEventListener('abort', stop);
        await lock.release();
      }
    }
    status.role = 'stopped';
    if (status.state !== 'failed') status.state = 'stopped';
  })();

  return {
    status: () => status.snapshot(),
    timings: () => timings.totals(),
    readiness: status.readiness(),
    stopped,
    async close() {
      controller.abort(new Error('closed'));
      await stopped;
      await worker?.stop();
    },
  };
}
