import type { VectorSettings } from '../config/sections/vector.js';
import type { Logger } from '../observability/logger.js';
import { assertCollectionName } from './collection-names.js';
import { openEmbeddedDatabase } from './embedded/database.js';
import { EmbeddedVectorStore } from './embedded/embedded-store.js';
import { QdrantVectorStore } from './qdrant/qdrant-store.js';
import type { VectorStore } from './types.js';

/** What the store needs to know about the embedder feeding it. */
export interface EmbedderIdentity {
  readonly dimension: number;
  /** Recorded with the collection; a different model at start is a `QDRANT_INDEX_MISMATCH`. */
  readonly modelId: string;
}

/**
 * Opens the vector store the settings ask for: Qdrant when `QDRANT_URL` is set, else the embedded store in
 * `VECTOR_DATA_DIR`. Call `ensureCollection()` next: it creates the collection and its payload indexes, and stops
 * with `QDRANT_INDEX_MISMATCH` ("run `choir rebuild-index`") when the collection was built by another embedder.
 */
export async function createVectorStore(
  settings: VectorSettings,
  logger: Logger,
  embedder: EmbedderIdentity,
): Promise<VectorStore> {
  assertCollectionName(settings.collection);
  const log = logger.child({ component: 'vector-store' });
  // What either backend takes from the same settings and embedder; each adds its own below.
  const common = {
    collection: settings.collection,
    dimension: embedder.dimension,
    model: embedder.modelId,
    maxContentBytes: settings.maxContentBytes,
    upsertBatchSize: settings.upsertBatchSize,
  };
  if (settings.qdrant) {
    log.info({ url: settings.qdrant.url, collection: settings.collection }, 'using Qdrant');
    return new QdrantVectorStore(
      {
        ...common,
        url: settings.qdrant.url,
        ...(settings.qdrant.apiKey ? { apiKey: settings.qdrant.apiKey } : {}),
        timeoutMs: settings.qdrant.timeoutMs,
        retry: { attempts: settings.qdrant.retryAttempts, baseDelayMs: 100, maxDelayMs: 5_000 },
      },
      log,
    );
  }
  log.info({ dataDir: settings.dataDir, collection: settings.collection }, 'using the embedded vector store');
  // Opening also upgrades a store written by an earlier layout in place (e.g. re-keying points by message address).
  const database = await openEmbeddedDatabase(settings.dataDir, settings.hnsw.efSearch, log);
  return new EmbeddedVectorStore(
    database,
    {
      ...common,
      hnsw: { m: settings.hnsw.m, efConstruction: settings.hnsw.efConstruction },
      memoryIndex: settings.memoryIndex,
    },
    log,
  );
}
