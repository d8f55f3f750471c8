import type { Condition } from '../filter.js';
import type { HitPayload, PointPayload } from '../types.js';

/** Table of a collection. Collection names are checked against COLLECTION_NAME, so quoting is enough. */
export const tableOf = (collection: string) => `"points_${collection}"`;
export const hnswIndexOf = (collection: string) => `"points_${collection}_hnsw"`;

/** Index names of a collection's table, shared by creation and the in-place migration (migrate.ts). */
export const indexOf = (collection: string, suffix: string) => `"points_${collection}_${suffix}"`;

/**
 * The layout of a collection's table this code writes, recorded per collection in choir_collections.schema_version:
 * 1 = ids from the content hash, no message_address; 2 = ids from the message address, message_address stored.
 */
export const SCHEMA_VERSION = 2;

export function createTableSql(collection: string, dimension: number): string {
  const t = tableOf(collection);
  const ix = (suffix: string) => indexOf(collection, suffix);
  return `
    CREATE TABLE IF NOT EXISTS ${t} (
      id uuid PRIMARY KEY,
      message_address text NOT NULL,
      content_hash text NOT NULL,
      thread_id text NOT NULL,
      author text NOT NULL,
      co_authors text[] NOT NULL,
      status text NOT NULL,
      slot bigint NOT NULL,
      created_at bigint NOT NULL,
      kind text NOT NULL,
      content text NOT NULL,
      embedding vector(${Math.trunc(dimension)}) NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${ix('thread')} ON ${t} (thread_id);
    CREATE INDEX IF NOT EXISTS ${ix('author')} ON ${t} (author);
    CREATE INDEX IF NOT EXISTS ${ix('status')} ON ${t} (status);
    CREATE INDEX IF NOT EXISTS ${ix('hash')} ON ${t} (content_hash);
    CREATE INDEX IF NOT EXISTS ${ix('address')} ON ${t} (message_address);
    CREATE INDEX IF NOT EXISTS ${ix('created')} ON ${t} (created_at);
    CREATE INDEX IF NOT EXISTS ${ix('kind')} ON ${t} (kind);
    CREATE INDEX IF NOT EXISTS ${ix('co_authors')} ON ${t} USING gin (co_authors);
  `;
}

export interface HnswBuild {
  m: number;
  efConstruction: number;
}

export function createHnswSql(collection: string, build: HnswBuild): string {
  return `CREATE INDEX IF NOT EXISTS ${hnswIndexOf(collection)} ON ${tableOf(collection)}
    USING hnsw (embedding vector_cosine_ops) WITH (m = ${Math.trunc(build.m)}, ef_construction = ${Math.trunc(build.efConstruction)})`;
}

/** pgvector's text form. Nine significant digits round-trip a float32 exactly. */
export function vectorLiteral(vector: readonly number[]): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) out += ',';
    out += Math.fround(vector[i]!).toPrecision(9);
  }
  return `${out}]`;
}

export function parseVector(text: string): number[] {
  return JSON.parse(text) as number[];
}

/** Builds a WHERE clause from conditions, appending its parameters to `params`. */
export function whereSql(conditions: readonly Condition[], params: unknown[]): string {
  if (conditions.length === 0) return 'TRUE';
  const parts = conditions.map((c) => {
    if (c.kind === 'range') {
      const bounds: string[] = [];
      const ops = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
      for (const [bound, op] of Object.entries(ops)) {
        const limit = c.range[bound as keyof typeof ops];
        if (limit === undefined) continue;
        params.push(limit);
        bounds.push(`created_at ${op} $${params.length}::bigint`);
      }
      return bounds.join(' AND ');
    }
    params.push(c.values);
    // co_authors is an array: "contains any of" is array overlap (served by the GIN index).
    return c.key === 'co_authors'
      ? `co_authors && $${params.length}::text[]`
      : `${c.key} = ANY($${params.length}::text[])`;
  });
  return parts.join(' AND ');
}

export const METADATA_COLUMNS =
  'id, message_address, content_hash, thread_id, author, co_authors, status, slot, created_at, kind';
export const PAYLOAD_COLUMNS = `${METADATA_COLUMNS}, content`;

export interface PointRow {
  id: string;
  message_address: string;
  content_hash: string;
  thread_id: string;
  author: string;
  co_authors: string[];
  status: string;
  slot: number | bigint | string;
  created_at: number | bigint | string;
  kind: PointPayload['kind'];
  content: string | null;
  embedding?: string;
  distance?: number;
}

export function payloadOf(row: PointRow): PointPayload {
  return {
    message_address: row.message_address,
    content_hash: row.content_hash,
    thread_id: row.thread_id,
    author: row.author,
    co_authors: row.co_authors,
    status: row.status,
    slot: Number(row.slot),
    created_at: Number(row.created_at),
    kind: row.kind,
    content: row.content ?? '',
  };
}

export function hitPayloadOf(row: PointRow, withContent: boolean): HitPayload {
  const { content, ...rest } = payloadOf(row);
  return withContent ? { ...rest, content } : rest;
}
