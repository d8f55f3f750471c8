import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../../observability/logger.js';
import { MemoryIndex } from './memory-index.js';
import { type PointRow, parseVector } from './sql.js';

/** Rows per page when a memory index is loaded from PGlite. */
const LOAD_PAGE = 5_000;

/** A point row (sql.ts) as the loader selects it: the filterable columns, and the vector always, as text. */
type LoadRow = Pick<
  PointRow,
  'id' | 'message_address' | 'content_hash' | 'thread_id' | 'author' | 'co_authors' | 'status' | 'created_at' | 'kind'
> & {
  /** pgvector's text form, `[0.1,-0.2,…]`. */
  embedding: string;
};

/**
 * The memory indexes of one PGlite database, by table, each loaded once on first use. Stores made by
 * withCollection() share the database and so these, which keeps a rebuild target's index (filled by its upserts)
 * valid after the alias swap.
 */
export class MemoryIndexes {
  private static readonly byDatabase = new WeakMap<PGlite, MemoryIndexes>();
  private readonly tables = new Map<string, Promise<MemoryIndex>>();

  private constructor(
    private readonly db: PGlite,
    private readonly dimension: number,
    private readonly logger: Logger,
  ) {}

  static of(db: PGlite, dimension: number, logger: Logger): MemoryIndexes {
    let indexes = MemoryIndexes.byDatabase.get(db);
    if (!indexes) {
      indexes = new MemoryIndexes(db, dimension, logger);
      MemoryIndexes.byDatabase.set(db, indexes);
    }
    return indexes;
  }

  /** The table's index, loading it from PGlite the first time (a failed load is retried next time). */
  load(table: string): Promise<MemoryIndex> {
    let index = this.tables.get(table);
    if (!index) {
      index = this.read(table);
      this.tables.set(table, index);
      index.catch(() => this.tables.delete(table));
    }
    return index;
  }

  /** Applies a committed write to the table's index, if one is loaded (or loading). */
  async apply(table: string, apply: (index: MemoryIndex) => void): Promise<void> {
    const index = this.tables.get(table);
    if (index) apply(await index);
  }

  forget(table: string): void {
    this.tables.delete(table);
  }

  /** Points in, bytes held by and load time of a table's index, if loaded (for the benchmark). */
  async info(table: string): Promise<{ points: number; bytes: number; loadMs: number } | undefined> {
    const index = this.tables.get(table);
    if (!index) return undefined;
    const loaded = await index;
    return { points: loaded.count, bytes: loaded.bytes, loadMs: loaded.loadMs };
  }

  private async read(table: string): Promise<MemoryIndex> {
    const started = performance.now();
    const index = new MemoryIndex(this.dimension);
    let after = '00000000-0000-0000-0000-000000000000';
    let first = true;
    for (;;) {
      const { rows } = await this.db.query<LoadRow>(
        `SELECT id, message_address, content_hash, thread_id, author, co_authors, status, created_at, kind,
                embedding::text AS embedding
         FROM ${table} WHERE id ${first ? '>=' : '>'} $1::uuid ORDER BY id LIMIT ${LOAD_PAGE}`,
        [after],
      );
      first = false;
      for (const row of rows) {
        // Text, not binary: PGlite returns bytea (e.g. from vector_send) hex-encoded, which measured 3x slower.
        index.set(row.id, parseVector(row.embedding), { ...row, created_at: Number(row.created_at) });
      }
      if (rows.length < LOAD_PAGE) break;
      after = rows[rows.length - 1]!.id;
    }
    index.loadMs = performance.now() - started;
    this.logger.info(
      { table, points: index.count, ms: Math.round(index.loadMs), bytes: index.bytes },
      'embedded memory index loaded',
    );
    return index;
  }
}
