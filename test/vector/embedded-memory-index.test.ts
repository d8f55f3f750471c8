import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { createVectorStore } from '../../src/vector/create-vector-store.js';
import { IN_MEMORY, openEmbeddedDatabase } from '../../src/vector/embedded/database.js';
import { EmbeddedVectorStore } from '../../src/vector/embedded/embedded-store.js';
import { MemoryIndex } from '../../src/vector/embedded/memory-index.js';
import { normaliseFilter } from '../../src/vector/filter.js';
import type { VectorFilter, VectorPoint, VectorStore } from '../../src/vector/types.js';
import { seededRandom } from '../embed/synthetic-text.js';
import { ALICE, BOB, CAROL, message, THREAD_A, THREAD_B } from './fixtures.js';
import { closeFileDatabase, sharedInMemoryDatabase } from './fresh-database.js';
import { runVectorStoreContract } from './vector-store.contract.js';

const DIM = 24;
const MODEL = 'memory-index-test-d24';
const random = seededRandom(7);

/** A random unit-ish vector, sparse about half the time (like hashing vectors of short texts). */
function randomVector(): number[] {
  const sparse = random() < 0.5;
  return Array.from({ length: DIM }, () => (sparse && random() < 0.6 ? 0 : random() * 2 - 1));
}

const THREADS = [THREAD_A, THREAD_B];
const PEOPLE = [ALICE, BOB, CAROL];

function randomPoint(n: number): VectorPoint {
  return message({
    content: `point ${n} ${random()}`,
    vector: randomVector(),
    thread: THREADS[n % 2]!,
    author: PEOPLE[n % 3]!,
    coAuthors: [PEOPLE[(n + 1) % 3]!],
    status: n % 4 === 0 ? 'PENDING' : 'CONFIRMED',
    createdAt: 1_000 * n,
    slot: n,
    kind: n % 10 === 0 ? 'thread' : 'message',
  });
}

const FILTERS: (VectorFilter | undefined)[] = [
  undefined,
  { threadId: THREAD_A },
  { author: [BOB, CAROL] },
  { status: 'PENDING' },
  { coAuthor: ALICE },
  { kind: 'thread' },
  { createdAt: { gte: 50_000, lt: 120_000 } },
  { threadId: THREAD_B, status: 'CONFIRMED', createdAt: { gt: 10_000 } },
  { author: 'nobody' },
];

/** The normal query (memory index + exact re-ranking) must return what an exact scan returns, for every filter. */
async function expectSameAsExact(store: VectorStore, probes = 8): Promise<void> {
  for (let p = 0; p < probes; p++) {
    const vector = randomVector();
    vector[p % DIM] = 1; // never all zeros
    for (const filter of FILTERS) {
      const q = { vector, limit: 7, withContent: false, ...(filter ? { filter } : {}) };
      const fast = await store.query(q);
      const exact = await store.query({ ...q, exact: true });
      expect(fast.map((h) => h.id)).toEqual(exact.map((h) => h.id));
      expect(fast.map((h) => h.payload)).toEqual(exact.map((h) => h.payload));
    }
  }
}

describe('MemoryIndex', () => {
  it('ranks like an exact scan, within the int8 rounding', () => {
    const index = new MemoryIndex(DIM);
    const vectors = new Map<string, number[]>();
    for (let i = 0; i < 3_000; i++) {
      const v = randomVector();
      v[i % DIM] = 0.5;
      vectors.set(`p${i}`, v);
      index.set(`p${i}`, v, { ...randomPoint(i).payload });
    }
    // Delete a third, replace a third: slots move, ids must keep their vectors.
    for (let i = 0; i < 3_000; i += 3) {
      index.delete(`p${i}`);
      vectors.delete(`p${i}`);
    }
    for (let i = 1; i < 3_000; i += 3) {
      const v = randomVector();
      v[(i + 3) % DIM] = -0.7;
      vectors.set(`p${i}`, v);
      index.set(`p${i}`, v, { ...randomPoint(i).payload });
    }
    expect(index.count).toBe(vectors.size);
    const cosine = (a: number[], b: number[]) => {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let d = 0; d < DIM; d++) {
        dot += a[d]! * b[d]!;
        na += a[d]! ** 2;
        nb += b[d]! ** 2;
      }
      return dot / Math.sqrt(na * nb);
    };
    for (let q = 0; q < 20; q++) {
      const query = randomVector();
      query[q % DIM] = 1;
      const truth = [...vectors.entries()]
        .map(([id, v]) => ({ id, score: cosine(query, v) }))
        .sort((a, b) => b.score - a.score);
      const found = index.search(query, 60, []);
      // Every exact top-10 point is among the 60 candidates; the candidates come best first.
      for (const { id } of truth.slice(0, 10)) expect(found).toContain(id);
      const scores = found.map((id) => cosine(query, vectors.get(id)!));
      for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThanOrEqual(scores[i - 1]! + 0.02);
    }
  });

  it('applies every filter field like SQL does', () => {
    const index = new MemoryIndex(DIM);
    const points = Array.from({ length: 200 }, (_, i) => randomPoint(i));
    points.forEach((p, i) => {
      index.set(`p${i}`, p.vector, p.payload);
    });
    const query = randomVector();
    query[0] = 1;
    const byAddress: VectorFilter = {
      messageAddress: [points[3]!.payload.message_address, points[10]!.payload.message_address],
    };
    for (const filter of [...FILTERS, { contentHash: [points[3]!.payload.content_hash, 'f'.repeat(64)] }, byAddress]) {
      const expected = points
        .map((p, i) => ({ p, id: `p${i}` }))
        .filter(({ p }) => {
          const f = filter ?? {};
          const any = (v: string | readonly string[] | undefined, x: string) =>
            v === undefined || (typeof v === 'string' ? v === x : v.includes(x));
          const at = p.payload.created_at;
          const r = f.createdAt ?? {};
          return (
            any(f.threadId, p.payload.thread_id) &&
            any(f.author, p.payload.author) &&
            any(f.status, p.payload.status) &&
            any(f.kind, p.payload.kind) &&
            any(f.contentHash, p.payload.content_hash) &&
            any(f.messageAddress, p.payload.message_address) &&
            (f.coAuthor === undefined || p.payload.co_authors.some((a) => any(f.coAuthor, a))) &&
            (r.gt === undefined || at > r.gt) &&
            (r.gte === undefined || at >= r.gte) &&
            (r.lt === undefined || at < r.lt) &&
            (r.lte === undefined || at <= r.lte)
          );
        })
        .map(({ id }) => id)
        .sort();
      expect(index.search(query, 1_000, normaliseFilter(filter)).sort()).toEqual(expected);
    }
  });
});

describe('embedded store with the memory index', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('stays consistent with PGlite through upserts, payload changes, deletes and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'choir-memory-index-'));
    dirs.push(dir);
    const settings = {
      qdrant: undefined,
      collection: 'messages',
      upsertBatchSize: 50,
      dataDir: dir,
      memoryIndex: true,
      hnsw: { m: 16, efConstruction: 64, efSearch: 100 },
      maxContentBytes: 65_536,
    };
    const identity = { dimension: DIM, modelId: MODEL };
    const points = Array.from({ length: 400 }, (_, i) => randomPoint(i));

    const store = await createVectorStore(settings, silentLogger, identity);
    await store.ensureCollection();
    await store.upsert(points.slice(0, 200));
    await expectSameAsExact(store, 3); // loads the memory index
    await store.upsert(points.slice(200)); // applied to the loaded index
    // Same ids, new vectors and payload: the last write wins in memory too.
    const rewritten = points.slice(0, 40).map((p) => ({
      vector: randomVector().map((x, d) => (d === 3 ? 1 : x)),
      payload: {
        ...p.payload,
        thread_id: THREAD_B,
        // A thread point's address is its thread's (and so is its id: it moves); a message keeps its address and id.
        message_address: p.payload.kind === 'thread' ? THREAD_B : p.payload.message_address,
        author: CAROL,
        created_at: 7,
      },
    }));
    await store.upsert(rewritten);
    await store.setPayload({ status: 'PENDING', co_authors: [CAROL] }, { filter: { author: ALICE } });
    await store.setPayload({ status: 'CONFIRMED' }, { messageAddresses: [points[4]!.payload.message_address] });
    await store.deletePoints({ filter: { threadId: THREAD_A, status: 'PENDING' } });
    await store.deletePoints({ messageAddresses: points.slice(100, 130).map((p) => p.payload.message_address) });
    await expectSameAsExact(store);
    // A failing upsert writes nothing, in PGlite or in memory.
    const bad = { ...points[300]!, vector: randomVector().map(() => Number.NaN) };
    await expect(store.upsert([randomPoint(999), bad])).rejects.toThrow();
    await expectSameAsExact(store, 2);
    const count = await store.count();
    await store.close();

    const reopened = await createVectorStore(settings, silentLogger, identity);
    await reopened.ensureCollection();
    expect(await reopened.count()).toBe(count);
    await expectSameAsExact(reopened);
    await reopened.close();
  });

  it('serves a rebuilt collection after the alias swap, and forgets a dropped one', async () => {
    const database = await openEmbeddedDatabase(IN_MEMORY, 100);
    const store = new EmbeddedVectorStore(
      database,
      {
        collection: 'messages',
        dimension: DIM,
        model: MODEL,
        maxContentBytes: 65_536,
        upsertBatchSize: 64,
        hnsw: { m: 16, efConstruction: 64 },
      },
      silentLogger,
    );
    await store.ensureCollection();
    await store.upsert([randomPoint(1), randomPoint(2)]);
    expect(await store.query({ vector: randomVector().map((x) => x + 2), limit: 10 })).toHaveLength(2);
    const next = store.withCollection('messages_2');
    await next.ensureCollection();
    await next.upsert(Array.from({ length: 30 }, (_, i) => randomPoint(100 + i)));
    await next.query({ vector: randomVector().map((x) => x + 2), limit: 1 }); // loads messages_2's index
    const { previous } = await store.swapAlias('messages_2');
    await store.upsert([randomPoint(500)]);
    await expectSameAsExact(store, 2);
    expect(await store.query({ vector: randomVector().map((x) => x + 2), limit: 100 })).toHaveLength(
      await store.count(), // thread points of one thread share an id: fewer than 31
    );
    await store.dropCollection(previous!);
    await store.close();
  });
});

// The HNSW path (memory index off) still meets the contract.
afterAll(closeFileDatabase);

runVectorStoreContract('embedded with HNSW (memory index off)', async () => {
  const { database, collection } = await sharedInMemoryDatabase();
  return {
    async open({ dimension, model }) {
      return new EmbeddedVectorStore(
        database,
        {
          collection,
          dimension,
          model,
          maxContentBytes: 65_536,
          upsertBatchSize: 4,
          hnsw: { m: 16, efConstruction: 64 },
          memoryIndex: false,
        },
        silentLogger,
        false,
        false,
      );
    },
    // The file's database outlives the test (closed after the file); the test's collection is its own.
    async dispose() {},
  };
});
