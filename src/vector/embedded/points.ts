import type { PGlite } from '@electric-sql/pglite';
import { normaliseFilter } from '../filter.js';
import type {
  PayloadPatch,
  PointSelector,
  ScoredPoint,
  ScrollPage,
  ScrollRequest,
  VectorFilter,
  VectorPoint,
  VectorQuery,
} from '../types.js';
import { checkCursor, checkPatch, checkPoints, checkQuery, checkScrollLimit, checkSelector } from '../validate.js';
import type { EmbeddedCollections } from './collections.js';
import type { MemoryIndexes } from './memory-indexes.js';
import type { EmbeddedStoreOptions } from './options.js';
import { runOperation } from './run-operation.js';
import {
  hitPayloadOf,
  METADATA_COLUMNS,
  PAYLOAD_COLUMNS,
  type PointRow,
  parseVector,
  payloadOf,
  vectorLiteral,
  whereSql,
} from './sql.js';

/**
 * Candidates taken from the memory index beyond `limit`, re-ranked by exact distance in SQL. The int8 rounding moves
 * a cosine by about ±0.001, so only points within a few thousandths of the `limit`-th score can trade places.
 */
const EXTRA_CANDIDATES = 50;

/**
 * The point half of the embedded store: writes, searches and reads of the points in the collection's table. Kept
 * apart from collection management (collections.ts) because this is where the per-call cost and the memory index
 * live: every committed write is mirrored into the table's memory index here, and queries are served from it. The
 * table itself is always asked of the collections part, so an alias swap takes effect on the next call.
 */
export class EmbeddedPoints {
  constructor(
    private readonly db: PGlite,
    private readonly options: EmbeddedStoreOptions,
    private readonly memory: MemoryIndexes,
    private readonly collections: EmbeddedCollections,
  ) {}

  private table(): Promise<string> {
    return this.collections.table();
  }

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    const checked = checkPoints(points, this.options.dimension, this.options.maxContentBytes);
    return runOperation('upsert', 'write', async () => {
      const table = await this.table();
      // One transaction for the whole call: a failure part-way leaves nothing written.
      await this.db.transaction(async (tx) => {
        for (let i = 0; i < checked.length; i += this.options.upsertBatchSize) {
          const batch = checked.slice(i, i + this.options.upsertBatchSize);
          await tx.query(
            `INSERT INTO ${table} (${PAYLOAD_COLUMNS}, embedding)
             SELECT id, message_address, content_hash, thread_id, author,
                    ARRAY(SELECT jsonb_array_elements_text(co_authors)), status, slot, created_at, kind, content,
                    embedding::vector
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[],
                         $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[])
                  AS u(id, message_address, content_hash, thread_id, author, co_authors, status, slot, created_at,
                       kind, content, embedding)
             ON CONFLICT (id) DO UPDATE SET
               message_address = excluded.message_address, content_hash = excluded.content_hash,
               thread_id = excluded.thread_id, author = excluded.author,
               co_authors = excluded.co_authors, status = excluded.status, slot = excluded.slot,
               created_at = excluded.created_at, kind = excluded.kind, content = excluded.content,
               embedding = excluded.embedding`,
            [
              batch.map((p) => p.id),
              batch.map((p) => p.payload.message_address),
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
      // Only after the commit: a rolled-back write must not show up in queries.
      await this.memory.apply(table, (index) => {
        for (const p of checked) index.set(p.id, p.vector, p.payload);
      });
    });
  }

  /** Points in, bytes held by and load time of the serving collection's memory index (for the benchmark). */
  async memoryIndexInfo(): Promise<{ points: number; bytes: number; loadMs: number } | undefined> {
    return this.memory.info(await this.table());
  }

  async query(query: VectorQuery): Promise<ScoredPoint[]> {
    const { vector, conditions } = checkQuery(query, this.options.dimension);
    const withContent = query.withContent !== false;
    return runOperation('query', 'read', async () => {
      const table = await this.table();
      const params: unknown[] = [vectorLiteral(vector)];
      const columns = withContent ? PAYLOAD_COLUMNS : METADATA_COLUMNS;
      let sql: string;
      if (!query.exact && this.options.memoryIndex !== false) {
        // Candidates from an exhaustive int8 scan in memory, re-ranked here by the exact float distance.
        const index = await this.memory.load(table);
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
    return runOperation('set payload', 'write', async () => {
      const table = await this.table();
      const { rows } = await this.db.query<{ id: string; co_authors: string[] }>(
        `UPDATE ${table} SET ${sets.join(', ')} WHERE ${where} RETURNING id, status, co_authors`,
        params,
      );
      await this.memory.apply(table, (index) => {
        for (const row of rows) index.setPayload(row.id, row);
      });
    });
  }

  async delete(target: PointSelector): Promise<void> {
    const params: unknown[] = [];
    const where = this.selectorSql(target, params);
    return runOperation('delete points', 'write', async () => {
      const table = await this.table();
      const { rows } = await this.db.query<{ id: string }>(`DELETE FROM ${table} WHERE ${where} RETURNING id`, params);
      await this.memory.apply(table, (index) => {
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
    return runOperation('scroll', 'read', async () => {
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
    return runOperation('count', 'read', async () => {
      const { rows } = await this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${await this.table()} WHERE ${where}`,
        params,
      );
      return rows[0]!.n;
    });
  }
}
