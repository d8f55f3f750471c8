import type { Logger } from '../../observability/logger.js';
import { assertCollectionName } from '../collection-names.js';
import type {
  CollectionInfo,
  HealthReport,
  PayloadPatch,
  PointSelector,
  ScoredPoint,
  ScrollPage,
  ScrollRequest,
  VectorFilter,
  VectorPoint,
  VectorQuery,
  VectorStore,
} from '../types.js';
import { EmbeddedCollections } from './collections.js';
import type { EmbeddedDatabase } from './database.js';
import { MemoryIndexes } from './memory-indexes.js';
import type { EmbeddedStoreOptions } from './options.js';
import { EmbeddedPoints } from './points.js';

export type { EmbeddedStoreOptions } from './options.js';

/**
 * The vector store without a server: PGlite (Postgres in WebAssembly) with pgvector's HNSW index, cosine distance,
 * in its own data directory. Same filters and semantics as the Qdrant store; the contract tests hold both to it.
 *
 * This class only joins the store's two halves into the VectorStore interface, and owns the database's lifetime:
 * collections.ts manages the collection (table, indexes, alias), points.ts the points in it. Both share one
 * MemoryIndexes, the per-database registry (memory-indexes.ts): the collection side loads and forgets a table's index,
 * the point side keeps it in step with writes and queries it.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly backend = 'embedded' as const;
  readonly collection: string;
  readonly dimension: number;
  private readonly collections: EmbeddedCollections;
  private readonly points: EmbeddedPoints;

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly options: EmbeddedStoreOptions,
    private readonly logger: Logger,
    /** True for a rebuild target: a physical collection whose HNSW index is built once, at the alias swap. */
    physical = false,
    private readonly owner = true,
  ) {
    assertCollectionName(options.collection);
    this.collection = options.collection;
    this.dimension = options.dimension;
    const memory = MemoryIndexes.of(database.db, options.dimension, logger);
    this.collections = new EmbeddedCollections(database.db, options, memory, logger, physical);
    this.points = new EmbeddedPoints(database.db, options, memory, this.collections);
  }

  describe(): Promise<CollectionInfo | undefined> {
    return this.collections.describe();
  }

  ensureCollection(): Promise<CollectionInfo> {
    return this.collections.ensure();
  }

  upsert(points: readonly VectorPoint[]): Promise<void> {
    return this.points.upsert(points);
  }

  /** Points in, bytes held by and load time of the serving collection's memory index (for the benchmark). */
  memoryIndexInfo(): Promise<{ points: number; bytes: number; loadMs: number } | undefined> {
    return this.points.memoryIndexInfo();
  }

  query(query: VectorQuery): Promise<ScoredPoint[]> {
    return this.points.query(query);
  }

  setPayload(patch: PayloadPatch, target: PointSelector): Promise<void> {
    return this.points.setPayload(patch, target);
  }

  deletePoints(target: PointSelector): Promise<void> {
    return this.points.delete(target);
  }

  scroll(request: ScrollRequest = {}): Promise<ScrollPage> {
    return this.points.scroll(request);
  }

  count(filter?: VectorFilter): Promise<number> {
    return this.points.count(filter);
  }

  health(): Promise<HealthReport> {
    return this.collections.health();
  }

  withCollection(physicalName: string): VectorStore {
    return new EmbeddedVectorStore(
      this.database,
      { ...this.options, collection: physicalName },
      this.logger,
      true,
      false,
    );
  }

  swapAlias(physicalName: string): Promise<{ previous: string | undefined }> {
    return this.collections.swapAlias(physicalName);
  }

  dropCollection(physicalName: string): Promise<void> {
    return this.collections.drop(physicalName);
  }

  async close(): Promise<void> {
    // Stores made by withCollection() share the database; only the store that opened it closes it.
    if (this.owner) await this.database.close();
  }
}
