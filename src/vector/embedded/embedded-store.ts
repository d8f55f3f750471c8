import type { PGlite, Transaction } from '@electric-sql/pglite';
import { ChoirError } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';
import { assertCollectionName, indexMismatch, physicalNameFor } from '../collection-names.js';
import { normaliseFilter } from '../filter.js';
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
import { checkCursor, checkPatch, checkPoints, checkQuery, checkScrollLimit, checkSelector } from '../validate.js';
import type { EmbeddedDatabase } from './database.js';
import type { MemoryIndex } from './memory-index.js';
import { MemoryIndexes } from './memory-indexes.js';
import {
  createHnswSql,
  createTableSql,
  type HnswBuild,
  hitPayloadOf,
  hnswIndexOf,
  METADATA_COLUMNS,
  PAYLOAD_COLUMNS,
  type PointRow,
  parseVector,
  payloadOf,
  tableOf,
  vectorLiteral,
  whereSql,
} from './sql.js';

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

type Queryable = PGlite | Transaction;

/**
 * Candidates taken from the memory index beyond `limit`, re-ranked by exact distance in SQL. The int8 rounding moves
 * a cosine by about ±0.001, so only points within a few thousandths of the `limit`-th score can trade places.
 */
const EXTRA_CANDIDATES = 50;

/**
 * The vector store without a server: PGlite (Postgres in WebAssembly) with pgvector's HNSW index, cosine distance,
 * in its own data directory. Same filters and semantics as the Qdrant store; the contract tests hold both to it.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly backend = 'embedded' as const;
  readonly collection: string;
  readonly dimension: number;
  private readonly db: PGlite;
  private readonly memory: MemoryIndexes;

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly options: EmbeddedStoreOptions,
    private readonly logger: Logger,
    /** True for a rebuild target: a physical collection whose HNSW index is built once, at the alias swap. */
    private readonly physical = false,
    private readonly owner = true,
  ) {
    assertCollectionName(options.collection);
    this.collection = options.collection;
    this.dimension = options.dimension;
    this.db = database.db;
    this.memory = MemoryIndexes.of(this.db, options.dimension, logger);
  }

  private async run<T>(operation: string, kind: 'read' | 'write', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ChoirError) throw err;
      const code = kind === 'write' ? 'QDRANT_STORAGE_REJECTED' : 'QDRANT_QUERY_FAILED';
      throw new ChoirError(code, `embedded vector store: ${operation} failed: ${(err as Error).message}`, {
        details: { operation },
        cause: err,
      });
    }
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
  private async table(): Promise<string> {
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
    return this.run('describe', 'read', async () => {
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
      };
    });
  }

  async ensureCollection(): Promise<CollectionInfo> {
    return this.run('ensure collection', 'write', async () => {
      await this.db.transaction(async (tx) => {
        if (await this.physicalName(tx)) return;
        const physicalName = this.physical ? this.collection : physicalNameFor(this.collection, 1);
        assertCollectionName(physicalName);
        this.logger.info({ collection: physicalName, dimension: this.dimension }, 'creating embedded collection');
        await tx.query(
          'INSERT INTO choir_collections (name, dimension, model) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
          [physicalName, this.dimension, this.options.model],
        );
        await tx.exec(createTableSql(physicalName, this.dimension));
        if (!this.physical) {
          await tx.query('INSERT INTO choir_aliases (alias, collection) VALUES ($1, $2)', [
            this.collection,
            physicalName,
          ]);
        }
      });
      const info = (await this.describe())!;
      if (info.dimension !== this.dimension || info.model !== this.options.model) {
        throw indexMismatch(info, this.dimension, this.options.model);
      }
      if (!this.physical) {
        await this.db.exec(this.hnswSql(info.physicalName));
        // Load the memory index at start rather than in the first query (seconds for 100,000 points).
        if (this.options.memoryIndex !== false) await this.memoryIndex(tableOf(info.physicalName));
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

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    const checked = checkPoints(points, this.dimension, this.options.maxContentBytes);
    return this.run('upsert', 'write', async () => {
      const table = await this.table();
      // One transaction for the whole call: a failure part-way leaves nothing written.
      await this.db.transaction(async (tx) => {
        for (let i = 0; i < checked.length; i += this.options.upsertBatchSize) {
          const batch = checked.slice(i, i + this.options.upsertBatchSize);
          await tx.query(
            `INSERT INTO ${table} (${PAYLOAD_COLUMNS}, embedding)
             SELECT id, content_hash, thread_id, author,
                    ARRAY(SELECT jsonb_array_elements_text(co_authors)), status, slot, created_at, kind, content,
                    embedding::vector
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::bigint[],
                         $8::bigint[], $9::text[], $10::text[], $11::text[])
                  AS u(id, content_hash, thread_id, author, co_authors, status, slot, created_at, kind, content, embedding)
             ON CONFLICT (id) DO UPDATE SET
               content_hash = excluded.content_hash, thread_id = excluded.thread_id, author = excluded.author,
               co_authors = excluded.co_authors, status = excluded.status, slot = excluded.slot,
               created_at = excluded.created_at, kind = excluded.kind, content = excluded.content,
               embedding = excluded.embedding`,
            [
              batch.map((p) => p.id),
              batch.map((p) => p.payload.content_hash),
              batch.map((p) => p.payload.thread_id),
              batch.map((p) => p.payload.author),
              batch.map((p) => JSON.stringify(p.payload.co_authors)),
              batch.map((p) => p.payload.status),
              batch.map((p) => p.payload.slot),
              batch.map((p) => p.payload.created_at),
              batch.map((p) => p.payload.kind),
              batch.map((p) => p.payload.content),
              batch.map((p) => vectorLiteral(p.vector)),
            ],
          );
        }
      });
      await this.applyToMemory(table, (index) => {
        for (const p of checked) index.set(p.id, p.vector, p.payload);
      });
    });
  }

  /** The table's memory index, loaded from PGlite on first use. */
  private memoryIndex(table: string): Promise<MemoryIndex> {
    return this.memory.load(table);
  }

  /** Points in, bytes held by and load time of the serving collection's memory index (for the benchmark). */
  async memoryIndexInfo(): Promise<{ points: number; bytes: number; loadMs: number } | undefined> {
    return this.memory.info(await this.table());
  }

  /** Applies a committed write to the table's memory index, if one is loaded (or loading). */
  private applyToMemory(table: string, apply: (index: MemoryIndex) => void): Promise<void> {
    return this.memory.apply(table, apply);
  }

  async query(query: VectorQuery): Promise<ScoredPoint[]> {
    const { vector, conditions } = checkQuery(query, this.dimension);
    const withContent = query.withContent !== false;
    return this.run('query', 'read', async () => {
      const table = await this.table();
      const params: unknown[] = [vectorLiteral(vector)];
      const columns = withContent ? PAYLOAD_COLUMNS : METADATA_COLUMNS;
      let sql: string;
      if (!query.exact && this.options.memoryIndex !== false) {
        // Candidates from an exhaustive int8 scan in memory, re-ranked here by the exact float distance.
        const index = await this.memoryIndex(table);
        const ids = index.search(vector, query.limit + EXTRA_CANDIDATES, conditions);
        if (ids.length === 0) return [];
        params.push(ids, query.limit);
        // Each distance computed once; `OFFSET 0` fences the subquery so no HNSW index (an old one) can serve the sort.
        sql = `SELECT * FROM (SELECT ${columns}, (embedding <=> $1::vector) AS distance FROM ${table}
               WHERE id = ANY($2::uuid[]) OFFSET 0) AS candidates ORDER BY distance LIMIT $3`;
      } else {
        const where = whereSql(conditions, params);
        params.push(query.limit);
        // `+ 0` hides the expression from the HNSW index, forcing an exact scan when asked for.
        const order = query.exact ? '(embedding <=> $1::vector) + 0' : 'embedding <=> $1::vector';
        sql = `SELECT ${columns}, (embedding <=> $1::vector) AS distance FROM ${table}
               WHERE ${where} ORDER BY ${order} LIMIT $${params.length}`;
      }
      const { rows } = await this.db.query<PointRow>(sql, params);
      // Iterative HNSW scans return rows in relaxed order: sort, then apply the threshold like Qdrant does.
      return rows
        .map((row) => ({ id: row.id, score: 1 - Number(row.distance), payload: hitPayloadOf(row, withContent) }))
        .sort((a, b) => b.score - a.score)
        .filter((hit) => query.scoreThreshold === undefined || hit.score >= query.scoreThreshold);
    });
  }

  private selectorSql(target: PointSelector, params: unknown[]): string {
    const checked = checkSelector(target);
    if ('ids' in checked) {
      params.push(checked.ids);
      return `id = ANY($${params.length}::uuid[])`;
    }
    return whereSql(checked.conditions, params);
  }

  async setPayload(patch: PayloadPatch, target: PointSelector): Promise<void> {
    const checked = checkPatch(patch);
    const params: unknown[] = [];
    const where = this.selectorSql(target, params);
    const sets = Object.entries(checked).map(([column, value]) => {
      params.push(value);
      const cast = column === 'co_authors' ? 'text[]' : column === 'slot' ? 'bigint' : 'text';
      return `${column} = $${params.length}::${cast}`;
    });
    return this.run('set payload', 'write', async () => {
      const table = await this.table();
      const { rows } = await this.db.query<{ id: string; co_authors: string[] }>(
        `UPDATE ${table} SET ${sets.join(', ')} WHERE ${where} RETURNING id, status, co_authors`,
        params,
      );
      await this.applyToMemory(table, (index) => {
        for (const row of rows) index.setPayload(row.id, row);
      });
    });
  }

  async deletePoints(target: PointSelector): Promise<void> {
    const params: unknown[] = [];
    const where = this.selectorSql(target, params);
    return this.run('delete points', 'write', async () => {
      const table = await this.table();
      const { rows } = await this.db.query<{ id: string }>(`DELETE FROM ${table} WHERE ${where} RETURNING id`, params);
      await this.applyToMemory(table, (index) => {
        for (const row of rows) index.delete(row.id);
      });
    });
  }

  async scroll(request: ScrollRequest = {}): Promise<ScrollPage> {
    const limit = checkScrollLimit(request.limit);
    const cursor = checkCursor(request.cursor);
    const params: unknown[] = [];
    let where = whereSql(normaliseFilter(request.filter), params);
    if (cursor) {
      params.push(cursor);
      where += ` AND id >= $${params.length}::uuid`;
    }
    params.push(limit + 1);
    const columns = request.withVector ? `${PAYLOAD_COLUMNS}, embedding::text AS embedding` : PAYLOAD_COLUMNS;
    return this.run('scroll', 'read', async () => {
      const { rows } = await this.db.query<PointRow>(
        `SELECT ${columns} FROM ${await this.table()} WHERE ${where} ORDER BY id LIMIT $${params.length}`,
        params,
      );
      const next = rows.length > limit ? rows[limit] : undefined;
      return {
        points: rows.slice(0, limit).map((row) => ({
          id: row.id,
          payload: payloadOf(row),
          ...(request.withVector && row.embedding ? { vector: parseVector(row.embedding) } : {}),
        })),
        ...(next ? { nextCursor: next.id } : {}),
      };
    });
  }

  async count(filter?: VectorFilter): Promise<number> {
    const params: unknown[] = [];
    const where = whereSql(normaliseFilter(filter), params);
    return this.run('count', 'read', async () => {
      const { rows } = await this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${await this.table()} WHERE ${where}`,
        params,
      );
      return rows[0]!.n;
    });
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

  withCollection(physicalName: string): VectorStore {
    return new EmbeddedVectorStore(
      this.database,
      { ...this.options, collection: physicalName },
      this.logger,
      true,
      false,
    );
  }

  async swapAlias(physicalName: string): Promise<{ previous: string | undefined }> {
    if (this.physical) throw new ChoirError('QDRANT_STORAGE_REJECTED', 'swapAlias needs the store of the alias');
    assertCollectionName(physicalName);
    return this.run('swap alias', 'write', async () => {
      const exists = await this.db.query('SELECT 1 FROM choir_collections WHERE name = $1', [physicalName]);
      if (exists.rows.length === 0) {
        throw new ChoirError('QDRANT_STORAGE_REJECTED', `collection ${physicalName} does not exist`);
      }
      // Make the rebuilt collection's query index ready (its memory index loaded, or its HNSW graph built once, in
      // bulk) before it starts serving queries.
      const started = performance.now();
      await this.db.exec(this.hnswSql(physicalName));
      if (this.options.memoryIndex !== false) await this.memoryIndex(tableOf(physicalName));
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

  async dropCollection(physicalName: string): Promise<void> {
    assertCollectionName(physicalName);
    return this.run('drop collection', 'write', async () => {
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

  async close(): Promise<void> {
    // Stores made by withCollection() share the database; only the store that opened it closes it.
    if (this.owner) await this.database.close();
  }
}
