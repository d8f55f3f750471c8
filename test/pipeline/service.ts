/**
 * The write path in this process, as the pipeline and consistency tests start it: the devnet (manual clock, ticked
 * here), a migrated test database and its pool, a vector store (a FlakyStore double unless given), the indexer, a
 * funded relayer, the submission workers and the submission service. What differs between tests is an option.
 */
import type pg from 'pg';
import type { RunningIndexer } from '../../indexer/index.js';
import type { Relayer } from '../../src/chain/relayer.js';
import type { Devnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type PipelineOptions, type RunningPipeline, startPipeline } from '../../src/pipeline/start-pipeline.js';
import { createSubmissions } from '../../src/pipeline/submission-service.js';
import type { Submissions } from '../../src/pipeline/submissions.js';
import type { VectorStore } from '../../src/vector/types.js';
import { startTestDevnet } from '../indexer/devnet-driver.js';
import { launch, openPool } from '../indexer/harness.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import type { FlakyStore } from './flaky-store.js';
import { embedder, fundedRelayer, newStore } from './harness.js';

/** The workers' settings a test may choose; the pool, store, embedder and logger are the service's. */
export type WorkerSettings = Partial<Omit<PipelineOptions, 'pool' | 'store' | 'embedder' | 'logger'>>;

/** A store the indexer and the workers can both use: a real VectorStore, or a double of the parts they call. */
type AnyStore = Pick<VectorStore, 'setPayload'> & Partial<Pick<VectorStore, 'close'>>;

export interface ServiceOptions<S extends AnyStore> {
  /** Opens the vector store once the database is up (default: a FlakyStore double). Closed with the service. */
  readonly store?: () => Promise<S>;
  /** The indexer's outbox retry for vector payload updates (default 20 → 200 ms). */
  readonly outboxRetry?: { baseDelayMs: number; maxDelayMs: number };
  /** The workers' settings (default: retries capped at 200 ms, no re-send sweep). */
  readonly workers?: WorkerSettings;
  /** Tick the devnet's clock from its start (default), or only once the service is up. */
  readonly tickDuringSetup?: boolean;
  /** Runs last on close (a Qdrant double stopped, a folder removed). */
  readonly onClose?: () => Promise<void> | void;
}

export interface PipelineService<S extends AnyStore = FlakyStore> {
  readonly devnet: Devnet;
  readonly db: TestDatabase;
  readonly pool: pg.Pool;
  readonly store: S;
  readonly indexer: RunningIndexer;
  readonly relayer: Relayer;
  /** The running workers; a test may replace them (the submission service wakes whichever runs). */
  pipeline: RunningPipeline;
  readonly submissions: Submissions;
  /** New workers on the service's parts and settings, `changes` applied (a test's second pipeline). */
  startWorkers(changes?: WorkerSettings): RunningPipeline;
  /** The devnet's clock: a slot every 100 ms, or stopped. */
  tick(on: boolean): void;
  close(): Promise<void>;
}

const DEFAULT_WORKERS: WorkerSettings = { retryMaxMs: 200, resendEveryMs: 0 };

export async function startPipelineService<S extends AnyStore = FlakyStore>(
  options: ServiceOptions<S> = {},
): Promise<PipelineService<S>> {
  const devnet = await startTestDevnet();
  let ticker: NodeJS.Timeout | undefined;
  const tick = (on: boolean) => {
    if (ticker) clearInterval(ticker);
    ticker = on ? setInterval(() => devnet.tick(), 100) : undefined;
  };
  const tickEarly = options.tickDuringSetup ?? true;
  if (tickEarly) tick(true);
  let db: TestDatabase | undefined;
  let pool: pg.Pool | undefined;
  let store: S | undefined;
  let indexer: RunningIndexer | undefined;
  let pipeline: RunningPipeline | undefined;
  const close = async () => {
    tick(false);
    await pipeline?.close();
    await indexer?.close();
    // A test may have closed the store already (to hand its folder to a CLI process).
    await store?.close?.().catch(() => undefined);
    await pool?.end();
    await db?.drop();
    await devnet.close();
    await options.onClose?.();
  };
  try {
    db = await createMigratedDatabase();
    const open = openPool(db.url);
    pool = open;
    const opened = options.store ? await options.store() : (newStore() as unknown as S);
    store = opened;
    indexer = launch(
      devnet,
      { url: db.url, pool },
      { vectorStore: opened, outboxRetry: options.outboxRetry ?? { baseDelayMs: 20, maxDelayMs: 200 } },
    );
    const relayer = await fundedRelayer(devnet);
    const startWorkers = (changes: WorkerSettings = {}) =>
      startPipeline({
        pool: open,
        store: opened as unknown as VectorStore,
        embedder,
        relayer,
        logger: silentLogger,
        ...(options.workers ?? DEFAULT_WORKERS),
        ...changes,
      });
    pipeline = startWorkers();
    const service: PipelineService<S> = {
      devnet,
      db,
      pool,
      store: opened,
      indexer,
      relayer,
      get pipeline() {
        return pipeline as RunningPipeline;
      },
      set pipeline(next) {
        pipeline = next;
      },
      submissions: createSubmissions({
        pool,
        relayer,
        maxContentBytes: 4096,
        onEnqueued: (k) => pipeline?.wake(k),
      }),
      startWorkers,
      tick,
      close,
    };
    if (!tickEarly) tick(true);
    return service;
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
