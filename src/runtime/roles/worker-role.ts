/**
 * `choir start --role worker`: the write path's workers (embed → store → relay → status) and the relayer. With
 * Qdrant any number may run (outbox claims are leased); with the embedded vector store exactly one, since it owns
 * the store's folder (locked).
 */
import { openRelayer } from '../../chain/open-relayer.js';
import { rpcReadiness } from '../../chain/readiness.js';
import { registerRelayerMetrics, relayerReadiness } from '../../chain/relayer-health.js';
import type { Config } from '../../config/index.js';
import { openDatabase } from '../../db/database.js';
import { createEmbedder } from '../../embed/index.js';
import { timedEmbedder, timedRpc, timedVectorStore } from '../../observability/instrument.js';
import type { Logger } from '../../observability/logger.js';
import { embedderReadiness, vectorStoreReadiness } from '../../observability/system-checks.js';
import { registerVectorStoreMetrics } from '../../observability/vector-metrics.js';
import { startPipeline } from '../../pipeline/start-pipeline.js';
import { createVectorStore, IN_MEMORY } from '../../vector/index.js';
import { lockDir } from '../dir-lock.js';
import type { Lifecycle } from '../lifecycle.js';
import { roleChain } from './chain.js';
import { observe } from './observe.js';
import type { RunningRole } from './types.js';

export async function startWorkerRole(config: Config, logger: Logger, lifecycle: Lifecycle): Promise<RunningRole> {
  const chain = roleChain(config);
  if (!config.vector.qdrant && config.vector.dataDir !== IN_MEMORY) {
    const lock = lockDir(config.vector.dataDir, { variable: 'VECTOR_DATA_DIR' });
    lifecycle.onClose('lock VECTOR_DATA_DIR', async () => lock.release());
  }
  const db = await openDatabase(config.database, logger);
  lifecycle.onClose('database', () => db.close());
  const { health, metrics, measures, http } = observe(config, db, logger, 'worker');
  health.register(rpcReadiness(chain.rpcUrl));

  const embedder = timedEmbedder(
    await createEmbedder(config.embed, logger, { maxContentBytes: config.vector.maxContentBytes }),
    measures,
  );
  lifecycle.onClose('embedder', () => embedder.close());
  const vectorStore = timedVectorStore(await createVectorStore(config.vector, logger, embedder), measures);
  lifecycle.onClose('vector-store', () => vectorStore.close());
  await vectorStore.ensureCollection();
  health.register(vectorStoreReadiness(vectorStore));
  health.register(embedderReadiness(embedder));
  registerVectorStoreMetrics(metrics, vectorStore);

  const relayer = await openRelayer(
    config.pipeline,
    { rpcUrl: chain.rpcUrl, ...(chain.devnetDataDir ? { devnetDataDir: chain.devnetDataDir } : {}) },
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
  lifecycle.onClose('pipeline', () => pipeline.close());
  await http.listen();
  lifecycle.onClose('http', () => http.close());
  return { role: 'worker', url: http.url(), db, health, metrics, stopped: new Promise(() => {}) };
}
