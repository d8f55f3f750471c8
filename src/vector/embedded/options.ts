import type { HnswBuild } from './sql.js';

/**
 * The embedded store's settings. In a file of their own because both halves of the store (collections.ts and
 * points.ts) read them, and the store that joins the two re-exports them from its public path.
 */
export interface EmbeddedStoreOptions {
  collection: string;
  dimension: number;
  model: string;
  maxContentBytes: number;
  /** Rows per INSERT statement: in-process PGlite does ~3k statements/s, so batching matters. */
  upsertBatchSize: number;
  /** HNSW graph parameters, used when the index is built. */
  hnsw: HnswBuild;
  /**
   * Serve queries from an in-memory int8 copy of the vectors (exhaustive scan, exact re-ranking in SQL) instead of
   * the HNSW index: recall ~1 where HNSW misses neighbours. Default true; costs `dimension + ~40` bytes per point.
   */
  memoryIndex?: boolean;
}
