/**
 * The whole service, composed: Postgres (embedded or configured), the chain (local devnet or a real cluster), the
 * embedder and vector store, and the API. Each part registers its readiness check and its close function; the
 * Lifecycle closes them in reverse order of start.
 */

import type { RunningIndexer } from '../../indexer/index.js';
import { Auth } from '../api/graphql/auth/auth.js';
import { mountGraphql } from '../api/graphql/mount.js';
import { buildApiSchema } from '../api/graphql/schema.js';
import { syncStatusService } from '../api/graphql/sync-status.js';
import { createHttpServer, type HttpServer } from '../api/http-server.js';
import { type ChainEndpoints, resolveChainEndpoints } from '../chain/endpoints.js';
import { openRelayer } from '../chain/open-relayer.js';
import { rpcReadiness } from '../chain/readiness.js';
import type { Relayer } from '../chain/relayer.js';
import { registerRelayerMetrics, relayerReadiness } from '../chain/relayer-health.js';
import type { Config } from '../config/index.js';
import { type Database, openDatabase } from '../db/database.js';
import { redactUrl } from '../db/pool.js';
import { openReadReplica, replicaReadiness } from '../db/read-replica.js';
import { postgresReadiness } from '../db/readiness.js';
import { createEmbedder, type Embedder } from '../embed/index.js';
import { choirMetrics } from '../observability/choir-metrics.js';
import { HealthRegistry, SERVICE_HEALTH } from '../observability/health.js';
import { registerIndexerMetrics } from '../observability/indexer-metrics.js';
import { timedEmbedder, timedRpc, timedVectorStore } from '../observability/instrument.js';
import type { Logger } from '../observability/logger.js';
import { createMetricsRegistry } from '../observability/metrics.js';
import { registerPostgresCollector } from '../observability/postgres-collector.js';
import { countedSubmissions } from '../observability/submission-metrics.js';
import {
  embedderReadiness,
  geyserReadiness,
  vectorStoreReadiness,
  withLagLimits,
} from '../observability/system-checks.js';
import { registerVectorStoreMetrics } from '../observability/vector-metrics.js';
import { type RunningPipeline, startPipeline } from '../pipeline/start-pipeline.js';
import { createSubmissions } from '../pipeline/submission-service.js';
import type { Submissions } from '../pipeline/submissions.js';
import { createVectorStore, IN_MEMORY, type VectorStore } from '../vector/index.js';
import { mountWeb } from '../web/mount.js';
import { startApiEvents } from './api-events.js';
import { startConsistency } from './consistency.js';
import { lockDir } from './dir-lock.js';
import type { Lifecycle } from './lifecycle.js';
import { type StackChain, startChain, startIndexing } from './parts/compose.js';
import type { PartExit } from './parts/supervisor.js';

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
  // The API's read-only queries on a replica when DATABASE_READ_URL is set (docs/scaling.md).
  const replica = openReadReplica(config.database);
  if (replica) {
    lifecycle.onClose('read replica', () => replica.close());
    health.register(replicaReadiness(replica.pool));
    logger.info({ url: redactUrl(replica.url) }, 'API reads on the read replica');
  }

  // The devnet runs in a child process unless ISOLATE_PARTS=false (runtime/parts/compose.ts).
  const { chain, failed: chainFailed } = await startChain(config, endpoints, logger, lifecycle);
  health.register(rpcReadiness(chain.rpcUrl));

  // Embedder, vector store and RPC are timed where they are created (src/observability/instrument.ts).
  const embedder = timedEmbedder(
    await createEmbedder(config.embed, logger, { maxContentBytes: config.vector.maxContentBytes }),
    measures,
  );
  lifecycle.onClose('embedder', () => embedder.close());
  const vectorStore = timedVectorStore(await createVectorStore(config.vector, logger, embedder), measures);
  lifecycle.onClose('vector-store', () => vectorStore.close());
  // Stops here with QDRANT_INDEX_MISMATCH ("run choir rebuild-index") when the collection was built by another embedder.
  await vectorStore.ensureCollection();
  health.register(vectorStoreReadiness(vectorStore));
  health.register(embedderReadiness(embedder));
  registerVectorStoreMetrics(metrics, vectorStore);

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
  const relayer = await openRelayer(
    config.pipeline,
    { rpcUrl: chain.rpcUrl, ...(chain.local ? { devnetDataDir: config.devnet.dataDir } : {}) },
    logger,
    { wrapRpc: (rpc) => timedRpc(rpc, measures) },
  );
  health.register(relayerReadiness(relayer, config.pipeline.relayerMinBalance));
  registerRelayerMetrics(metrics, relayer);
  const pipeline = startPipeline({
    pool: db.pool,
    store: vectorStore,
    embedder,
    relayer,
    logger,
    metrics: measures,
    batch: config.pipeline.batch,
    retryMaxMs: config.pipeline.retryMaxMs,
  });
  // Closed before the indexer and the stores it writes to (the lifecycle closes in reverse order).
  lifecycle.onClose('pipeline', () => pipeline.close());
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
  startConsistency({ config, db, vectorStore, embedder, relayer, indexer, http, logger, lifecycle });
  // One LISTEN connection per process feeds every subscription (src/api/graphql/subscriptions/event-hub.ts).
  const { events, caches } = await startApiEvents({
    url: db.url,
    pool: db.pool,
    settings: config.api,
    metrics,
    logger,
    lifecycle,
  });
  const graphql = await mountGraphql(http, await buildApiSchema(), {
    health,
    logger: logger.child({ component: 'graphql' }),
    settings: config.api,
    db: db.pool,
    ...(replica ? { readDb: replica.pool } : {}),
    metrics: measures,
    auth: new Auth(db.pool, config.api),
    events,
    ...(caches ? { caches } : {}),
    vectorStore,
    embedder,
    indexerStatus: () => indexer.status(),
    submissions,
    syncStatus: syncStatusService({
      pool: db.pool,
      store: vectorStore,
      rpc: relayer.rpc,
      stream: config.indexer.stream,
    }),
    nodeEnv: process.env.NODE_ENV,
  });
  await http.listen();
  lifecycle.onClose('http', () => http.close());
  // Closed before the HTTP server: subscriptions end with a close frame instead of a dropped socket.
  lifecycle.onClose('graphql', () => graphql.close());
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
