import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { isChoirError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { openEmbeddedDatabase } from '../../src/vector/embedded/database.js';
import { EmbeddedVectorStore } from '../../src/vector/embedded/embedded-store.js';
import { legacyMessagePointId, messagePointId, threadPointId } from '../../src/vector/point-id.js';
import type { PointPayload, StoredPoint, VectorPoint } from '../../src/vector/types.js';
import { ALICE, axisVector, BOB, CAROL, DIM, MODEL, message, messageAddress, THREAD_A, THREAD_B } from './fixtures.js';

/**
 * The embedded store as the code before message addresses wrote it (`git show 5e8ddd7^:src/vector/embedded/`):
 * its catalogue without schema_version, and a collection table without message_address whose message point ids
 * are `uuidFromHash(content_hash)`. Spelled out here rather than taken from the current code, which no longer
 * writes it.
 */
const OLD_CATALOGUE = `
  CREATE EXTENSION IF NOT EXISTS vector;
  CREATE TABLE choir_collections (
    name text PRIMARY KEY, dimension integer NOT NULL, model text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE choir_aliases (alias text PRIMARY KEY, collection text NOT NULL REFERENCES choir_collections (name));
`;

function oldTable(collection: string): string {
  const t = `"points_${collection}"`;
  return `
    CREATE TABLE ${t} (
      id uuid PRIMARY KEY, content_hash text NOT NULL, thread_id text NOT NULL, author text NOT NULL,
      co_authors text[] NOT NULL, status text NOT NULL, slot bigint NOT NULL, created_at bigint NOT NULL,
      kind text NOT NULL, content text NOT NULL, embedding vector(${DIM}) NOT NULL
    );
    CREATE INDEX "points_${collection}_thread" ON ${t} (thread_id);
    CREATE INDEX "points_${collection}_hash" ON ${t} (content_hash);
    CREATE INDEX "points_${collection}_co_authors" ON ${t} USING gin (co_authors);
  `;
}

/** The old code stored vectors at unit length, as this code does. */
const unit = (v: readonly number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

type OldPayload = Omit<PointPayload, 'message_address'>;

/** The old payload of a point (no message_address) and the id the old code gave it. */
function old(point: VectorPoint): { id: string; payload: OldPayload; vector: number[] } {
  const { message_address: _, ...payload } = point.payload;
  const id = payload.kind === 'thread' ? threadPointId(payload.thread_id) : legacyMessagePointId(payload.content_hash);
  return { id, payload, vector: unit(Array.from(point.vector)) };
}

async function writeOldStore(dir: string, collections: Record<string, VectorPoint[]>, alias: string): Promise<void> {
  const db = await PGlite.create(join(dir, 'pgdata'), { extensions: { vector } });
  await db.exec(OLD_CATALOGUE);
  for (const [collection, points] of Object.entries(collections)) {
    await db.query('INSERT INTO choir_collections (name, dimension, model) VALUES ($1, $2, $3)', [
      collection,
      DIM,
      MODEL,
    ]);
    await db.exec(oldTable(collection));
    for (const point of points.map(old)) {
      const p = point.payload;
      await db.query(
        `INSERT INTO "points_${collection}" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::vector)`,
        [
          point.id,
          p.content_hash,
          p.thread_id,
          p.author,
          p.co_authors,
          p.status,
          p.slot,
          p.created_at,
          p.kind,
          p.content,
          JSON.stringify(point.vector),
        ],
      );
    }
  }
  await db.query('INSERT INTO choir_aliases VALUES ($1, $2)', ['messages', alias]);
  await db.close();
}

/** Opens the directory the way the app does, with a logger whose lines the test can read. */
async function openStore(dir: string, lines: string[] = []) {
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const database = await openEmbeddedDatabase(dir, 100, logger);
  const store = new EmbeddedVectorStore(
    database,
    {
      collection: 'messages',
      dimension: DIM,
      model: MODEL,
      maxContentBytes: 65_536,
      upsertBatchSize: 4,
      hnsw: { m: 16, efConstruction: 64 },
    },
    silentLogger,
  );
  return { database, store };
}

async function everyPoint(store: EmbeddedVectorStore): Promise<StoredPoint[]> {
  const page = await store.scroll({ limit: 10_000, withVector: true });
  return page.points.sort((a, b) => a.id.localeCompare(b.id));
}

/** The points an old store held: messages in two threads and each thread's metadata point. */
function oldPoints(): VectorPoint[] {
  return [
    message({ content: 'alpha', vector: axisVector(0), status: 'CONFIRMED', slot: 10, createdAt: 1_000 }),
    message({ content: 'beta', vector: axisVector(1, 0.5), author: BOB, createdAt: 2_000 }),
    message({ content: 'gamma', vector: axisVector(2), thread: THREAD_B, author: CAROL, coAuthors: [CAROL] }),
    message({ content: 'thread A', vector: axisVector(3), kind: 'thread', thread: THREAD_A }),
    message({ content: 'thread B', vector: axisVector(4), kind: 'thread', thread: THREAD_B, author: CAROL }),
  ];
}

describe('embedded store written before message addresses', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'choir-vectors-migrate-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is re-keyed by message address at open, in every collection, losing nothing', async () => {
    const dir = tempDir();
    const points = oldPoints();
    // A rebuild target that was never swapped in is a collection too: it is upgraded as well.
    const spare = [message({ content: 'spare', vector: axisVector(5), thread: THREAD_B })];
    await writeOldStore(dir, { messages_1: points, messages_2: spare }, 'messages_1');

    const lines: string[] = [];
    const { database, store } = await openStore(dir, lines);
    const info = await store.ensureCollection();
    expect(info).toMatchObject({ physicalName: 'messages_1', points: points.length, legacyPoints: 0 });
    expect(lines.filter((l) => l.includes('re-keyed points by message address'))).toHaveLength(2);

    // Every point is there under its new id, with its payload (now with message_address) and vector unchanged.
    const expected = points
      .map((p) => ({
        id:
          p.payload.kind === 'thread' ? threadPointId(p.payload.thread_id) : messagePointId(p.payload.message_address),
        payload: p.payload,
        vector: unit(Array.from(p.vector)),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const stored = await everyPoint(store);
    expect(stored.map((p) => ({ id: p.id, payload: p.payload }))).toEqual(
      expected.map((p) => ({ id: p.id, payload: p.payload })),
    );
    stored.forEach((p, i) => {
      for (const [d, x] of p.vector!.entries()) expect(x).toBeCloseTo(expected[i]!.vector[d]!, 6);
    });
    // The message address is the Message PDA of the row's own thread and hash.
    const gamma = stored.find((p) => p.payload.content === 'gamma')!;
    expect(gamma.payload.message_address).toBe(messageAddress('gamma', THREAD_B));

    // The memory index serves the re-keyed points: the normal query agrees with an exact scan, ids included.
    for (const axis of [0, 1, 2, 3]) {
      const fast = await store.query({ vector: axisVector(axis), limit: 3 });
      const exact = await store.query({ vector: axisVector(axis), limit: 3, exact: true });
      expect(fast.map((h) => h.id)).toEqual(exact.map((h) => h.id));
    }
    const [alpha] = await store.query({ vector: axisVector(0), limit: 1, filter: { threadId: THREAD_A } });
    expect(alpha!.id).toBe(messagePointId(messageAddress('alpha', THREAD_A)));

    // Selecting by address works on migrated points, and the same content can now live in a second thread.
    await store.setPayload({ status: 'FINALIZED' }, { messageAddresses: [messageAddress('beta', THREAD_A)] });
    await store.upsert([message({ content: 'beta', vector: axisVector(1), thread: THREAD_B, author: ALICE })]);
    expect(await store.count({ contentHash: message({ content: 'beta' }).payload.content_hash })).toBe(2);
    expect(await store.count({ status: 'FINALIZED' })).toBe(1);

    // The spare collection was upgraded too.
    const rebuilt = store.withCollection('messages_2') as EmbeddedVectorStore;
    expect((await everyPoint(rebuilt)).map((p) => p.id)).toEqual([messagePointId(spare[0]!.payload.message_address)]);
    const versions = await database.db.query<{ name: string; schema_version: number }>(
      'SELECT name, schema_version FROM choir_collections ORDER BY name',
    );
    expect(versions.rows).toEqual([
      { name: 'messages_1', schema_version: 2 },
      { name: 'messages_2', schema_version: 2 },
    ]);
    await store.close();

    // Opening again runs nothing and changes nothing.
    const again: string[] = [];
    const reopened = await openStore(dir, again);
    await reopened.store.ensureCollection();
    expect(again.some((l) => l.includes('re-keyed'))).toBe(false);
    expect(await reopened.store.count()).toBe(points.length + 1);
    expect((await everyPoint(reopened.store)).map((p) => p.id)).toContain(
      messagePointId(messageAddress('beta', THREAD_B)),
    );
    await reopened.store.close();
  });

  it('refuses to open, changing nothing, when a message address cannot be derived', async () => {
    const dir = tempDir();
    const good = message({ content: 'kept', vector: axisVector(0) });
    const broken = message({ content: 'orphan', vector: axisVector(1) });
    broken.payload.thread_id = 'not-a-thread-address';
    await writeOldStore(dir, { messages_1: [good, broken] }, 'messages_1');

    const err = await openStore(dir).catch((e: unknown) => e);
    expect(isChoirError(err, 'QDRANT_STORAGE_REJECTED')).toBe(true);
    expect((err as Error).message).toContain('not-a-thread-address');
    expect((err as Error).message).toContain('nothing was changed');

    // Rolled back: the old ids, no message_address, still version 1. The lock was released, so this opens.
    const raw = await PGlite.create(join(dir, 'pgdata'), { extensions: { vector } });
    const { rows } = await raw.query<{ id: string }>('SELECT id FROM "points_messages_1" ORDER BY id');
    expect(rows.map((r) => r.id).sort()).toEqual([old(good).id, old(broken).id].sort());
    const columns = await raw.query(
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'points_messages_1' AND column_name = 'message_address'",
    );
    expect(columns.rows).toEqual([]);
    const version = await raw.query<{ schema_version: number }>('SELECT schema_version FROM choir_collections');
    expect(version.rows).toEqual([{ schema_version: 1 }]);
    await raw.close();
  });
});
