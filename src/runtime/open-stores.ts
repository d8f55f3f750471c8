/**
 * The stores beside Postgres, as `choir start`, `--role worker` and `--role api` open them: the read replica, and
 * the embedder with the vector store — timed where they are created (src/observability/instrument.ts), with their
 * readiness checks, and closed by the lifecycle.
 */

import { redactUrl } from '../db/pool.js';
import { openReadReplica, type ReadReplica, replicaReadiness } from '../db/read-replica.js';
import { createEmbedder, type Embedder } from '../embed/index.js';
import { timedEmbedder, timedVectorStore } from '../observability/instrument.js';
import { embedderReadiness, vectorStoreReadiness } from '../observability/system-checks.js';
import { registerVectorStoreMetrics } from '../observability/vector-metrics.js';
import { createVectorStore, type VectorStore } from '../vector/index.js';
import type { PartContext } from './part-context.js';
import { unavailableVectorStore } from './roles/unavailable-store.js';

/** The API's read-only queries on a replica when DATABASE_READ_URL is set (docs/scaling.md); undefined without. */
export function openReplica({ config, logger, lifecycle, health }: PartContext): ReadReplica | undefined {
  const replica = openReadReplica(config.database);
  if (replica) {
    lifecycle.onClose('read replica', () => replica.close());
    health.register(replicaReadiness(replica.pool));
    logger.info({ url: redactUrl(replica.url) }, 'API reads on the read replica');
  }
  return replica;
}

export interface Stores {
  readonly embedder: Embedder;
  readonly vectorStore: VectorStore;
}

/**
 * `workers`: the process that runs the write path's workers owns the store — its collection checked, its
 * readiness, the embedder's and the store's metrics registered. `search`: an API process only queries it — a
 * shared store (QDRANT_URL), or without one a store that fails every call (search answers from Postgres, degraded).
 */
export async function openStores(part: PartContext, use: 'workers' | 'search'): Promise<Stores> {
  const { config, logger, lifecycle, health, measures } = part;
  const embedder = timedEmbedder(
    await createEmbedder(config.embed, logger, { maxContentBytes: config.vector.maxContentBytes }),
    measures,
  );
  lifecycle.onClose('embedder', () => embedder.close());
  const vectorStore =
    use === 'search' && !config.vector.qdrant
      ? unavailableVectorStore(embedder.dimension, config.vector.collection)
      : timedVectorStore(await createVectorStore(config.vector, logger, embedder), measures);
  lifecycle.onClose('vector-store', () => vectorStore.close());
  if (use === 'search') {
    if (config.vector.qdrant) health.register(vectorStoreReadiness(vectorStore));
    else logger.warn('no QDRANT_URL: search on this API process answers from Postgres (degraded)');
    return { embedder, vectorStore };
  }
  // Stops here with QDRANT_INDEX_MISMATCH ("run choir rebuild-index") when the collection was built by another embedder.
  await vectorStore.ensureCollection();
  health.register(vectorStoreReadiness(vectorStore));
  health.register(embedderReadiness(embedder));
  registerVectorStoreMetrics(part.metrics, vectorStore);
  return { embedder, vectorStore };
}
