/**
 * The whole service, composed: Postgres (embedded or configured), the chain (local devnet or a real cluster), the
 * embedder and vector store, and the API. Each part registers its readiness check and its close function; the
 * Lifecycle closes them in reverse order of start.
 */

import type { RunningIndexer } from '../../indexer/index.js';
import { createHttpServer, type HttpServer } from '../api/http-server.js';
import { type ChainEndpoints, resolveChainEndpoints } from '../chain/endpoints.js';
import { rpcReadiness } from '../chain/readiness.js';
import type { Relayer } from '../chain/relayer.js';
import type { Config } from '../config/index.js';
import { type Database, openDatabase } from '../db/database.js';
import { redactUrl } from '../db/pool.js';
import { postgresReadiness } from '../db/readiness.js';
import type { Embedder } from '../embed/index.js';
import { choirMetrics } from '../observability/choir-metrics.js';
import { HealthRegistry, SERVICE_HEALTH } from '../observability/health.js';
import { registerIndexerMetrics } from '../observability/indexer-metrics.js';
import type { Logger } from '../observability/logger.js';
import { createMetricsRegistry } from '../observability/metrics.js';
import { registerPostgresCollector } from '../observability/postgres-collector.js';
import { countedSubmissions } from '../observability/submission-metrics.js';
import { geyserReadiness, withLagLimits } from '../observability/system-checks.js';
import type { RunningPipeline } from '../pipeline/start-pipeline.js';
import { createSubmissions } from '../pipeline/submission-service.js';
import type { Submissions } from '../pipeline/submissions.js';
import { IN_MEMORY, type VectorStore } from '../vector/index.js';
import { mountWeb } from '../web/mount.js';
import { startConsistency } from './consistency.js';
import { lockDir } from './dir-lock.js';
import type { Lifecycle } from './lifecycle.js';
import { openReplica, openStores } from './open-stores.js';
import { type StackChain, startChain, startIndexing } from './parts/compose.js';
import type { PartExit } from './parts/supervisor.js';
import { serveApi } from './serve-api.js';
import { startWritePath } from './write-path.js';

export interface Stack {
  db: Database;
  chain: StackChain;
  embedder: Embedder;
  vectorStore: VectorStore;
  indexer: RunningIndexer;
  relayer: Relayer;
  pipeline: RunningPipeline;
  /** The write path the API calls. */
  submissions: Submissions;
  http: HttpServer;
  health: HealthRegistry;
  /** Resolves when a part (the devnet, the indexer) stops for good on its own: the service must stop too. */
  failed: Promise<PartExit>;
}

export interface StackOptions {
  /** The indexed data belongs to another chain (a reset devnet): wipe it and re-index instead of refusing to run. */
  resetIndex?: boolean;
}

export async function startStack(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  options: StackOptions = {},
): Promise<Stack> {
  const endpoints: ChainEndpoints = resolveChainEndpoints(config.indexer);
  const health = new HealthRegistry(SERVICE_HEALTH);
  const metrics = createMetricsRegistry();
  const measures = choirMetrics(metrics);

  // A second `choir start` in the same checkout stops here, before it touches anything (see dir-lock.ts).
  for (const [dir, variable] of ownedFolders(config, endpoints)) {
    const lock = lockDir(dir, { variable });
    lifecycle.onClose(`lock ${variable}`, async () => lock.release());
  }

  const db = await openDatabase(config.database, logger);
  lifecycle.onClose('database', () => db.close());
  health.register(postgresReadiness(db.pool));
  registerPostgresCollector(metrics, db.pool, { logger: logger.child({ component: 'metrics' }) });
  if (db.embedded) logger.info({ url: db.url }, `Postgres: ${db.url}`);
  else logger.info({ url: redactUrl(db.url) }, 'using the configured Postgres');
  const part = { config, logger, lifecycle, health, metrics, measures };
  const replica = openReplica(part);

  // The devnet runs in a child process unless ISOLATE_PARTS=false (runtime/parts/compose.ts).
  const { chain, failed: chainFailed } = await startChain(config, endpoints, logger, lifecycle);
  health.register(rpcReadiness(chain.rpcUrl));

  // Embedder, vector store and RPC are timed where they are created (src/observability/instrument.ts).
  const stores = await openStores(part, 'workers');
  const { embedder, vectorStore } = stores;

  // The indexer streams from whichever chain was chosen above, and keeps vector payloads in step via the outbox.
  const indexerMetrics = registerIndexerMetrics(metrics, () => indexer.status());
  // In a child process unless ISOLATE_PARTS=false; the vector payload updates it queues are applied here either way.
  const { indexer, failed: indexerFailed } = await startIndexing({
    config,
    db,
    chain,
    vectorStore,
    logger,
    lifecycle,
    metrics,
    resetIndex: options.resetIndex ?? false,
    onCommit: indexerMetrics.onCommit,
  });
  health.register(geyserReadiness(() => indexer.status()));
  health.register(withLagLimits(indexer.readiness, () => indexer.status(), config.observability));

  // The write path: the relayer pays for relayed actions; the workers run here because the embedded vector store
  // belongs to this process (with Qdrant, more processes could run them: claims are leased).
  const { relayer, pipeline } = await startWritePath(part, {
    db,
    stores,
    chain: { rpcUrl: chain.rpcUrl, ...(chain.local ? { devnetDataDir: config.devnet.dataDir } : {}) },
  });
  const submissions = countedSubmissions(
    createSubmissions({
      pool: db.pool,
      relayer,
      maxContentBytes: config.vector.maxContentBytes,
      onEnqueued: (kind) => pipeline.wake(kind),
    }),
    metrics,
  );

  const http = createHttpServer({ ...config.server, health, metrics, logger: logger.child({ component: 'http' }) });
  // The web page at / and GraphiQL at GET /graphql for browsers, ahead of the GraphQL handler (src/web/mount.ts).
  await mountWeb(http.app, { logger: logger.child({ component: 'web' }) });
  const consistency = startConsistency({
    config,
    db,
    vectorStore,
    embedder,
    relayer,
    indexer,
    http,
    logger,
    lifecycle,
  });
  await serveApi(part, {
    http,
    db,
    replica,
    stores,
    submissions,
    indexerStatus: () => indexer.status(),
    syncRpc: relayer.rpc,
    adoptContent: consistency.adoptContent,
  });
  const failed = Promise.race([chainFailed, indexerFailed]);
  return { db, chain, embedder, vectorStore, indexer, relayer, pipeline, submissions, http, health, failed };
}

/** The local data folders this process will own: the devnet's ledger and the embedded vector store. */
function ownedFolders(config: Config, endpoints: ChainEndpoints): [string, string][] {
  const folders: [string, string][] = [];
  if (endpoints.mode === 'devnet') folders.push([config.devnet.dataDir, 'DEVNET_DATA_DIR']);
  if (!config.vector.qdrant && config.vector.dataDir !== IN_MEMORY)
    folders.push([config.vector.dataDir, 'VECTOR_DATA_DIR']);
  return folders;
}
