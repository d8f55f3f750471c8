/** A QdrantVectorStore on a test endpoint (the Qdrant double) for an embedder's vectors, with short timeouts. */
import type { Embedder } from '../../src/embed/index.js';
import { type Logger, silentLogger } from '../../src/observability/logger.js';
import { type QdrantStoreOptions, QdrantVectorStore } from '../../src/vector/qdrant/qdrant-store.js';

export function qdrantTestStore(
  url: string,
  embedder: Pick<Embedder, 'dimension' | 'modelId'>,
  changes: Partial<QdrantStoreOptions> = {},
  logger: Logger = silentLogger,
): QdrantVectorStore {
  return new QdrantVectorStore(
    {
      url,
      timeoutMs: 2_000,
      collection: 'messages',
      dimension: embedder.dimension,
      model: embedder.modelId,
      maxContentBytes: 65_536,
      upsertBatchSize: 256,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
      ...changes,
    },
    logger,
  );
}
