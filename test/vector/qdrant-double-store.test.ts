import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isChoirError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { legacyMessagePointId } from '../../src/vector/point-id.js';
import { type QdrantStoreOptions, QdrantVectorStore } from '../../src/vector/qdrant/qdrant-store.js';
import type { VectorStore } from '../../src/vector/types.js';
import { QdrantDouble } from '../support/qdrant-double/server.js';
import { axisVector, DIM, MODEL, message } from './fixtures.js';
import { runVectorStoreContract } from './vector-store.contract.js';

function options(url: string, overrides: Partial<QdrantStoreOptions> = {}): QdrantStoreOptions {
  return {
    url,
    timeoutMs: 2_000,
    collection: 'messages',
    dimension: DIM,
    model: MODEL,
    maxContentBytes: 65_536,
    upsertBatchSize: 4,
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  };
}

runVectorStoreContract('Qdrant (spec-validating HTTP double)', async () => {
  const double = new QdrantDouble();
  const url = await double.start();
  const stores: VectorStore[] = [];
  return {
    async open({ dimension, model }) {
      const store = new QdrantVectorStore(options(url, { dimension, model }), silentLogger);
      stores.push(store);
      return store;
    },
    async dispose() {
      await double.stop();
      // Every request the store sent must be one Qdrant's published API accepts.
      expect(double.rejected).toEqual([]);
    },
  };
});

describe('QdrantVectorStore against the double', () => {
  let double: QdrantDouble;
  let url: string;
  beforeEach(async () => {
    double = new QdrantDouble({ apiKey: 'secret-key' });
    url = await double.start();
  });
  afterEach(async () => {
    await double.stop();
  });
  const open = (overrides: Partial<QdrantStoreOptions> = {}) =>
    new QdrantVectorStore(options(url, { apiKey: 'secret-key', ...overrides }), silentLogger);

  it('creates one collection behind an alias, with a tenant index on thread_id and the other payload indexes', async () => {
    const info = await open().ensureCollection();
    expect(info.physicalName).toBe('messages_1');
    expect(double.state.aliases.get('messages')).toBe('messages_1');
    const collection = double.state.collections.get('messages_1')!;
    expect(collection.distance).toBe('Cosine');
    expect(collection.metadata).toEqual({ choir_embedder_model: MODEL });
    expect(collection.payloadSchema['thread_id']).toMatchObject({ data_type: 'keyword', params: { is_tenant: true } });
    expect(Object.keys(collection.payloadSchema).sort()).toEqual(
      ['author', 'co_authors', 'content_hash', 'created_at', 'kind', 'message_address', 'status', 'thread_id'].sort(),
    );
    expect(collection.payloadSchema['created_at']).toMatchObject({ data_type: 'integer' });
    expect(collection.payloadSchema['message_address']).toMatchObject({ data_type: 'keyword' });
  });

  it('writes in batches with wait=true and sends the API key', async () => {
    const store = open();
    await store.ensureCollection();
    const points = Array.from({ length: 10 }, (_, i) => message({ content: `m${i}`, vector: axisVector(i) }));
    await store.upsert(points);
    const upserts = double.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/points'));
    expect(upserts.map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([4, 4, 2]);
    expect(upserts.every((r) => r.query['wait'] === 'true')).toBe(true);
    expect(await store.count()).toBe(10);
  });

  it('is refused without the API key', async () => {
    const err = await open({ apiKey: 'wrong' })
      .ensureCollection()
      .catch((e: unknown) => e);
    expect(isChoirError(err, 'QDRANT_QUERY_FAILED')).toBe(true);
    expect((err as Error).message).toContain('API key');
  });

  it('retries transient failures (5xx, 429, dropped connections, timeouts) and then succeeds', async () => {
    const store = open({ timeoutMs: 300, retry: { attempts: 8, baseDelayMs: 1, maxDelayMs: 5 } });
    await store.ensureCollection();
    double.faults.push(
      { path: /\/points$/, kind: 503, times: 1 },
      { path: /\/points$/, kind: 429, times: 1, retryAfter: '0' },
      { path: /\/points$/, kind: 429, times: 1, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' },
      { path: /\/points$/, kind: 429, times: 1 },
      { path: /\/points$/, kind: 'drop', times: 1 },
    );
    await store.upsert([message({ content: 'eventually' })]);
    expect(await store.count()).toBe(1);
    double.faults.push({ path: /\/query$/, kind: 'hang', times: 1 });
    const hits = await store.query({ vector: axisVector(0), limit: 1 });
    expect(hits).toHaveLength(1);
    const queries = double.requests.filter((r) => r.path.endsWith('/points/query'));
    expect(queries).toHaveLength(2);
  });

  it('gives up after the configured attempts with QDRANT_UNAVAILABLE (retryable)', async () => {
    const store = open();
    await store.ensureCollection();
    // ensureCollection() counts too (points of the old identity): only this call's requests are counted here.
    const before = double.requests.length;
    double.faults.push({ path: /\/count$/, kind: 502, times: 10 });
    const err = await store.count().catch((e: unknown) => e);
    expect(isChoirError(err, 'QDRANT_UNAVAILABLE')).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    expect(double.requests.slice(before).filter((r) => r.path.endsWith('/count'))).toHaveLength(4);
  });

  it('does not retry a request Qdrant rejects (4xx): Storage/Query errors from the taxonomy', async () => {
    const store = open();
    await store.ensureCollection();
    // A collection the store does not know about: Qdrant answers 404.
    const missing = store.withCollection('nowhere');
    const writeErr = await missing.upsert([message({ content: 'x' })]).catch((e: unknown) => e);
    expect(isChoirError(writeErr, 'QDRANT_STORAGE_REJECTED')).toBe(true);
    const readErr = await missing.count().catch((e: unknown) => e);
    expect(isChoirError(readErr, 'QDRANT_QUERY_FAILED')).toBe(true);
    expect(double.requests.filter((r) => r.path.startsWith('/collections/nowhere/points'))).toHaveLength(2);
  });

  it('reports an unreachable server as unhealthy and unavailable', async () => {
    await double.stop();
    const store = open({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    expect((await store.health()).ok).toBe(false);
    const err = await store.count().catch((e: unknown) => e);
    expect(isChoirError(err, 'QDRANT_UNAVAILABLE')).toBe(true);
  });

  it('keeps a URL path as the API prefix (Qdrant behind a path-routing proxy)', async () => {
    const store = new QdrantVectorStore(options(`${url}/qdrant`, { apiKey: 'secret-key' }), silentLogger);
    await store.ensureCollection().catch(() => undefined);
    expect(double.requests.at(-1)!.path.startsWith('/qdrant/')).toBe(true);
  });
});

describe('QdrantVectorStore with points of the old content-hash identity', () => {
  it('warns at start-up, and reports how many in describe() and health(), until they are re-keyed', async () => {
    const double = new QdrantDouble();
    const url = await double.start();
    try {
      const lines: string[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
      const store = new QdrantVectorStore(options(url), logger);
      await store.ensureCollection();
      expect(lines.some((l) => l.includes('old content-hash identity'))).toBe(false);
      expect((await store.health()).legacyPoints).toBe(0);

      // What the previous version wrote: id from the content hash, no message_address. A thread point of that
      // version also lacks the field but is keyed right (its id came from the thread address): not counted.
      const legacy = (content: string, kind: 'message' | 'thread' = 'message') => {
        const { message_address: _, ...payload } = message({ content, kind }).payload;
        return { id: legacyMessagePointId(payload.content_hash), vector: axisVector(0), payload };
      };
      double.state.upsert('messages', { points: [legacy('old one'), legacy('old two'), legacy('a thread', 'thread')] });
      await store.upsert([message({ content: 'new one' })]);

      lines.length = 0;
      const info = await store.ensureCollection();
      expect(info).toMatchObject({ points: 4, legacyPoints: 2 });
      const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string; legacyPoints?: number });
      expect(warning).toContainEqual(
        expect.objectContaining({
          level: 40,
          legacyPoints: 2,
          msg: expect.stringContaining('run `choir rebuild-index` to re-key them'),
        }),
      );
      const health = await store.health();
      expect(health).toMatchObject({ ok: true, legacyPoints: 2 });
      expect(health.detail).toContain('2 points: vector store holds points keyed by the old content-hash identity');
      // The check is a filtered count Qdrant's published API accepts.
      expect(double.rejected).toEqual([]);
      const counts = double.requests.filter((r) => r.path.endsWith('/points/count'));
      expect(counts.at(-1)!.body).toMatchObject({
        filter: { must: expect.arrayContaining([{ is_empty: { key: 'message_address' } }]) },
      });

      // Re-keyed (as rebuild-index will): the warning goes.
      await store.deletePoints({
        filter: { contentHash: [legacy('old one').payload.content_hash, legacy('old two').payload.content_hash] },
      });
      expect((await store.describe())!.legacyPoints).toBe(0);
    } finally {
      await double.stop();
    }
  });
});

describe('QdrantVectorStore start-up races', () => {
  it('two instances creating the collection at once both succeed', async () => {
    const double = new QdrantDouble();
    const url = await double.start();
    try {
      const [a, b] = [0, 1].map(() => new QdrantVectorStore(options(url), silentLogger));
      const infos = await Promise.all([a!.ensureCollection(), b!.ensureCollection()]);
      expect(infos.map((i) => i.physicalName)).toEqual(['messages_1', 'messages_1']);
      expect(double.state.collections.size).toBe(1);
      // The race really happened: one of the two creations was refused as a conflict.
      expect(double.requests.filter((r) => r.status === 409).length).toBeGreaterThan(0);
    } finally {
      await double.stop();
    }
  });
});
