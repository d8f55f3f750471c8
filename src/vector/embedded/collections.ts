import type { PGlite, Transaction } from '@electric-sql/pglite';
import { ChoirError } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';
import { assertCollectionName, indexMismatch, physicalNameFor } from '../collection-names.js';
import type { CollectionInfo, HealthReport } from '../types.js';
import type { MemoryIndexes } from './memory-indexes.js';
import type { EmbeddedStoreOptions } from './options.js';
import { runOperation } from './run-operation.js';
import { createHnswSql, createTableSql, hnswIndexOf, SCHEMA_VERSION, tableOf } from './sql.js';

type Queryable = PGlite | Transaction;

/**
 * The collection half of the embedded store: which table a store's name stands for (directly, or through an alias
 * during a rebuild), creating it with its payload indexes, checking its dimension and model, the alias swap, and
 * dropping an old physical collection. Kept apart from the point operations (points.ts) because it is the only part
 * that touches the catalogue tables (choir_collections, choir_aliases) or builds and drops indexes; points.ts only
 * asks it for the table to read and write.
 */
export class EmbeddedCollections {
  constructor(
    private readonly db: PGlite,
    private readonly options: EmbeddedStoreOptions,
    private readonly memory: MemoryIndexes,
    private readonly logger: Logger,
    /** True for a rebuild target: a physical collection whose HNSW index is built once, at the alias swap. */
    private readonly physical: boolean,
  ) {}

  private get collection(): string {
    return this.options.collection;
  }

  private async physicalName(q: Queryable = this.db): Promise<string | undefined> {
    if (!this.physical) {
      const alias = await q.query<{ collection: string }>('SELECT collection FROM choir_aliases WHERE alias = $1', [
        this.collection,
      ]);
      if (alias.rows[0]) return alias.rows[0].collection;
    }
    const own = await q.query('SELECT 1 FROM choir_collections WHERE name = $1', [this.collection]);
    return own.rows.length > 0 ? this.collection : undefined;
  }

  /** The table reads and writes go to; fails clearly when the collection was never created. */
  async table(): Promise<string> {
    const name = await this.physicalName();
    if (!name) {
      throw new ChoirError(
        'QDRANT_STORAGE_REJECTED',
        `collection ${this.collection} does not exist; call ensureCollection()`,
        {
          details: { collection: this.collection },
        },
      );
    }
    return tableOf(name);
  }

  async describe(): Promise<CollectionInfo | undefined> {
    return runOperation('describe', 'read', async () => {
      const physicalName = await this.physicalName();
      if (!physicalName) return undefined;
      const meta = await this.db.query<{ dimension: number; model: string }>(
        'SELECT dimension, model FROM choir_collections WHERE name = $1',
        [physicalName],
      );
      const count = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tableOf(physicalName)}`);
      const row = meta.rows[0]!;
      return {
        name: this.collection,
        physicalName,
        dimension: row.dimension,
        model: row.model,
        points: count.rows[0]!.n,
        // Every point has a message address: older layouts are migrated when the database opens (migrate.ts).
        legacyPoints: 0,
      };
    });
  }

  async ensure(): Promise<CollectionInfo> {
    return runOperation('ensure collection', 'write', async () => {
      await this.db.transaction(async (tx) => {
        if (await this.physicalName(tx)) return;
        const physicalName = this.physical ? this.collection : physicalNameFor(this.collection, 1);
        assertCollectionName(physicalName);
        this.logger.info(
          { collection: physicalName, dimension: this.options.dimension },
          'creating embedded collection',
        );
        await tx.query(
          `INSERT INTO choir_collections (name, dimension, model, schema_version) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO NOTHING`,
          [physicalName, this.options.dimension, this.options.model, SCHEMA_VERSION],
        );
        // The table comes with its payload indexes (sql.ts): filters are served by them.
        await tx.exec(createTableSql(physicalName, this.options.dimension));
        if (!this.physical) {
          await tx.query('INSERT INTO choir_aliases (alias, collection) VALUES ($1, $2)', [
            this.collection,
            physicalName,
          ]);
        }
      });
      const info = (await this.describe())!;
      if (info.dimension !== this.options.dimension || info.model !== this.options.model) {
        throw indexMismatch(info, this.options.dimension, this.options.model);
      }
      if (!this.physical) {
        await this.db.exec(this.hnswSql(info.physicalName));
        // Load the memory index at start rather than in the first query (seconds for 100,000 points).
        if (this.options.memoryIndex !== false) await this.memory.load(tableOf(info.physicalName));
      }
      return info;
    });
  }

  /**
   * The HNSW index serves queries only without the memory index. With it, the graph would only slow every write
   * (and a rebuild by minutes), so it is not built — and dropped from a collection that has one.
   */
  private hnswSql(physicalName: string): string {
    return this.options.memoryIndex === false
      ? createHnswSql(physicalName, this.options.hnsw)
      : `DROP INDEX IF EXISTS ${hnswIndexOf(physicalName)}`;
  }

  async health(): Promise<HealthReport> {
    const started = performance.now();
    try {
      const name = await this.physicalName();
      const detail = `embedded PGlite + pgvector; collection ${this.collection} ${name ? 'exists' : 'is missing'}`;
      return { ok: name !== undefined, backend: 'embedded', detail, latencyMs: performance.now() - started };
    } catch (err) {
      const detail = `embedded store failed: ${(err as Error).message}`;
      return { ok: false, backend: 'embedded', detail, latencyMs: performance.now() - started };
    }
  }

  async swapAlias(physicalName: string): Promise<{ previous: string | undefined }> {
    if (this.physical) throw new ChoirError('QDRANT_STORAGE_REJECTED', 'swapAlias needs the store of the alias');
    assertCollectionName(physicalName);
    return runOperation('swap alias', 'write', async () => {
      const exists = await this.db.query('SELECT 1 FROM choir_collections WHERE name = $1', [physicalName]);
      if (exists.rows.length === 0) {
        throw new ChoirError('QDRANT_STORAGE_REJECTED', `collection ${physicalName} does not exist`);
      }
      // Make the rebuilt collection's query index ready (its memory index loaded, or its HNSW graph built once, in
      // bulk) before it starts serving queries.
      const started = performance.now();
      await this.db.exec(this.hnswSql(physicalName));
      if (this.options.memoryIndex !== false) await this.memory.load(tableOf(physicalName));
      this.logger.info({ collection: physicalName, ms: performance.now() - started }, 'query index ready');
      return this.db.transaction(async (tx) => {
        const before = await tx.query<{ collection: string }>('SELECT collection FROM choir_aliases WHERE alias = $1', [
          this.collection,
        ]);
        await tx.query(
          `INSERT INTO choir_aliases (alias, collection) VALUES ($1, $2)
           ON CONFLICT (alias) DO UPDATE SET collection = excluded.collection`,
          [this.collection, physicalName],
        );
        return { previous: before.rows[0]?.collection };
      });
    });
  }

  async drop(physicalName: string): Promise<void> {
    assertCollectionName(physicalName);
    return runOperation('drop collection', 'write', async () => {
      const served = await this.db.query<{ alias: string }>('SELECT alias FROM choir_aliases WHERE collection = $1', [
        physicalName,
      ]);
      if (served.rows[0]) {
        throw new ChoirError(
          'QDRANT_STORAGE_REJECTED',
          `collection ${physicalName} is still served by alias ${served.rows[0].alias}; swap the alias first`,
        );
      }
      await this.db.transaction(async (tx) => {
        await tx.exec(`DROP TABLE IF EXISTS ${tableOf(physicalName)}`);
        await tx.query('DELETE FROM choir_collections WHERE name = $1', [physicalName]);
      });
      this.memory.forget(tableOf(physicalName));
    });
  }
}
