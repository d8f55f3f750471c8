/**
 * `choir start --role indexer`: the Geyser indexer with its health and metrics. Run two or more: one leads (the
 * advisory leader lock), the others stand by and take over within INDEXER_LEADER_POLL_MS of the leader's death.
 * With Qdrant it also applies vector payload updates; with the embedded store the process owning it does.
 */
import { startIndexer } from '../../../indexer/index.js';
import { rpcReadiness } from '../../chain/readiness.js';
import type { Config } from '../../config/index.js';
import { openDatabase } from '../../db/database.js';
import { createEmbedder } from '../../embed/index.js';
import { registerIndexerMetrics } from '../../observability/indexer-metrics.js';
import { timedVectorStore } from '../../observability/instrument.js';
import type { Logger } from '../../observability/logger.js';
import { geyserReadiness, withLagLimits } from '../../observability/system-checks.js';
import { createVectorStore, type VectorStore } from '../../vector/index.js';
import type { Lifecycle } from '../lifecycle.js';
import { roleChain } from './chain.js';
import { observe } from './observe.js';
import type { RunningRole } from './types.js';

export interface IndexerRoleOptions {
  readonly reset?: boolean;
}

export async function startIndexerRole(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  options: IndexerRoleOptions = {},
): Promise<RunningRole> {
  const chain = roleChain(config);
  const db = await openDatabase(config.database, logger);
  lifecycle.onClose('database', () => db.close());
  const { health, metrics, measures, http } = observe(config, db, logger, 'indexer');
  health.register(rpcReadiness(chain.rpcUrl));

  let vectorStore: VectorStore | undefined;
  if (config.vector.qdrant) {
    // The store only needs the embedder's identity (dimension, model) to check the collection.
    const embedder = await createEmbedder(config.embed, logger);
    await embedder.close();
    vectorStore = timedVectorStore(await createVectorStore(config.vector, logger, embedder), measures);
    lifecycle.onClose('vector-store', () => (vectorStore as VectorStore).close());
  }

  const indexerMetrics = registerIndexerMetrics(metrics, () => indexer.status());
  const indexer = startIndexer({
    db,
    settings: { ...config.indexer, ...chain },
    logger,
    vectorStore,
    metrics,
    reset: options.reset ?? false,
    onCommit: indexerMetrics.onCommit,
  });
  lifecycle.onClose('indexer', () => indexer.close());
  health.register(geyserReadiness(() => indexer.status()));
  health.register(withLagLimits(indexer.readiness, () => indexer.status(), config.observability));
  await http.listen();
  lifecycle.onClose('http', () => http.close());
  const stopped = indexer.stopped.then(() => {
    const s = indexer.status();
    return s.state === 'failed' ? `indexer stopped: ${s.lastError}` : '';
  });
  return { role: 'indexer', url: http.url(), db, health, metrics, stopped };
}
