/**
 * `choir start --role api`: the stateless GraphQL API (queries, mutations into the outbox, subscriptions from its
 * own LISTEN hub). Any number run behind a load balancer against one Postgres; the workers and the indexer run
 * elsewhere. Search needs a shared vector store (QDRANT_URL); without one it answers from Postgres, degraded.
 */
import { Auth } from '../../api/graphql/auth/auth.js';
import { mountGraphql } from '../../api/graphql/mount.js';
import { buildApiSchema } from '../../api/graphql/schema.js';
import { syncStatusService } from '../../api/graphql/sync-status.js';
import { openRelayer } from '../../chain/open-relayer.js';
import { rpcReadiness } from '../../chain/readiness.js';
import type { Relayer } from '../../chain/relayer.js';
import type { Config } from '../../config/index.js';
import { openDatabase } from '../../db/database.js';
import { redactUrl } from '../../db/pool.js';
import { openReadReplica, replicaReadiness } from '../../db/read-replica.js';
import { createEmbedder } from '../../embed/index.js';
import { timedEmbedder, timedRpc, timedVectorStore } from '../../observability/instrument.js';
import type { Logger } from '../../observability/logger.js';
import { countedSubmissions } from '../../observability/submission-metrics.js';
import { vectorStoreReadiness } from '../../observability/system-checks.js';
import { createSubmissions } from '../../pipeline/submission-service.js';
import { createVectorStore } from '../../vector/index.js';
import { startApiEvents } from '../api-events.js';
import type { Lifecycle } from '../lifecycle.js';
import { roleChain } from './chain.js';
import { observe } from './observe.js';
import type { RunningRole } from './types.js';
import { unavailableVectorStore } from './unavailable-store.js';

export async function startApiRole(config: Config, logger: Logger, lifecycle: Lifecycle): Promise<RunningRole> {
  const chain = roleChain(config);
  const db = await openDatabase(config.database, logger);
  lifecycle.onClose('database', () => db.close());
  const { health, metrics, measures, http } = observe(config, db, logger, 'api');
  health.register(rpcReadiness(chain.rpcUrl));
  // Read-only queries on a replica when DATABASE_READ_URL is set (docs/scaling.md).
  const replica = openReadReplica(config.database);
  if (replica) {
    lifecycle.onClose('read replica', () => replica.close());
    health.register(replicaReadiness(replica.pool));
    logger.info({ url: redactUrl(replica.url) }, 'API reads on the read replica');
  }

  const embedder = timedEmbedder(
    await createEmbedder(config.embed, logger, { maxContentBytes: config.vector.maxContentBytes }),
    measures,
  );
  lifecycle.onClose('embedder', () => embedder.close());
  const vectorStore = config.vector.qdrant
    ? timedVectorStore(await createVectorStore(config.vector, logger, embedder), measures)
    : unavailableVectorStore(embedder.dimension, config.vector.collection);
  lifecycle.onClose('vector-store', () => vectorStore.close());
  if (config.vector.qdrant) {
    health.register(vectorStoreReadiness(vectorStore));
  } else {
    logger.warn('no QDRANT_URL: search on this API process answers from Postgres (degraded)');
  }

  // Only for user-paid transactions (prepare/send); relayed actions are the workers' job. Without a chain now, the
  // API still serves reads, subscriptions and relayed mutations (they go through the outbox).
  let relayer: Relayer | undefined;
  if (config.pipeline.relayerKeypair || chain.devnetDataDir) {
    try {
      relayer = await openRelayer(
        config.pipeline,
        { rpcUrl: chain.rpcUrl, ...(chain.devnetDataDir ? { devnetDataDir: chain.devnetDataDir } : {}) },
        logger,
        { wrapRpc: (rpc) => timedRpc(rpc, measures) },
      );
    } catch (err) {
      logger.warn({ err }, 'no relayer: prepareTransaction and sendTransaction are unavailable on this API process');
    }
  }
  // No wake-up across processes: the workers poll the outbox (PIPELINE idle delay).
  const submissions = countedSubmissions(
    createSubmissions({ pool: db.pool, relayer, maxContentBytes: config.vector.maxContentBytes }),
    metrics,
  );

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
    submissions,
    // syncStatus reads the chain through the relayer's RPC client and the shared vector store's points; without
    // either, this process answers it with INTERNAL ("no syncStatus configured").
    ...(relayer && config.vector.qdrant
      ? {
          syncStatus: syncStatusService({
            pool: db.pool,
            store: vectorStore,
            rpc: relayer.rpc,
            stream: config.indexer.stream,
          }),
        }
      : {}),
    nodeEnv: process.env.NODE_ENV,
  });
  await http.listen();
  lifecycle.onClose('http', () => http.close());
  lifecycle.onClose('graphql', () => graphql.close());
  return { role: 'api', url: http.url(), db, health, metrics, stopped: new Promise(() => {}) };
}
