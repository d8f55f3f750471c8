import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/embed/hashing-embedder.js';
import { isChoirError } from '../../src/errors/index.js';
import { messagePointId, sha256Hex } from '../../src/vector/point-id.js';
import { registerThread } from '../../src/vector/register-thread.js';
import type { VectorStore } from '../../src/vector/types.js';
import {
  ALICE,
  axisVector,
  BOB,
  CAROL,
  corpus,
  DIM,
  MODEL,
  message,
  messageAddress,
  THREAD_A,
  THREAD_B,
} from './fixtures.js';

/** A backend under test: opens stores that share its state (same database, same server). */
export interface ContractBackend {
  open(identity: { dimension: number; model: string }): Promise<VectorStore>;
  /** Called after each test: close stores, delete what was created, assert nothing bad was sent. */
  dispose(): Promise<void>;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (!isChoirError(err)) throw err;
    expect(err.code).toBe(code);
    return;
  }
  throw new Error(`expected a ChoirError ${code}, but the call succeeded`);
}

const hashes = (hits: { payload: { content_hash: string } }[]) => hits.map((h) => h.payload.content_hash);
const hashOf = (content: string) => sha256Hex(content);

/** The behaviour every VectorStore must have. Run against the embedded store, the Qdrant double and real Qdrant. */
export function runVectorStoreContract(name: string, newBackend: () => Promise<ContractBackend>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let backend: ContractBackend;
    let store: VectorStore;

    beforeEach(async () => {
      backend = await newBackend();
      store = await backend.open({ dimension: DIM, model: MODEL });
    });
    afterEach(async () => {
      await backend.dispose();
    });

    it('creates the collection once, then describes it', async () => {
      expect(await store.describe()).toBeUndefined();
      const info = await store.ensureCollection();
      expect(info).toMatchObject({ name: store.collection, dimension: DIM, model: MODEL, points: 0 });
      const again = await store.ensureCollection();
      expect(again.physicalName).toBe(info.physicalName);
      expect((await store.health()).ok).toBe(true);
    });

    it('refuses to start on a collection of another dimension or model, naming rebuild-index', async () => {
      await store.ensureCollection();
      for (const identity of [
        { dimension: DIM * 2, model: MODEL },
        { dimension: DIM, model: 'another-model' },
      ]) {
        const other = await backend.open(identity);
        const err = await other.ensureCollection().catch((e: unknown) => e);
        expect(isChoirError(err, 'QDRANT_INDEX_MISMATCH')).toBe(true);
        expect((err as Error).message).toContain('choir rebuild-index');
      }
    });

    describe('with the corpus', () => {
      beforeEach(async () => {
        await store.ensureCollection();
        await store.upsert(corpus());
      });

      it('finds the nearest points first, with content and payload', async () => {
        const hits = await store.query({ vector: axisVector(0), limit: 3 });
        expect(hashes(hits)).toEqual([hashOf('alpha'), hashOf('delta'), hashOf('beta')]);
        expect(hits[0]!.score).toBeCloseTo(1, 5);
        // The id derives from the message's record address, not from its content hash.
        expect(hits[0]!.id).toBe(messagePointId(messageAddress('alpha', THREAD_A)));
        expect(hits[0]!.payload.message_address).toBe(messageAddress('alpha', THREAD_A));
        expect(hits[0]!.payload).toEqual(corpus()[0]!.payload);
        expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      });

      it('omits content when asked', async () => {
        const [hit] = await store.query({ vector: axisVector(0), limit: 1, withContent: false });
        expect(hit!.payload.content).toBeUndefined();
        expect(hit!.payload.thread_id).toBe(THREAD_A);
      });

      it('answers an exact query like the index does on a small collection', async () => {
        // Four points with distinct scores (the other two tie at 0, in no defined order).
        const approx = await store.query({ vector: axisVector(0, 0.3), limit: 4 });
        const exact = await store.query({ vector: axisVector(0, 0.3), limit: 4, exact: true });
        expect(hashes(exact)).toEqual([hashOf('delta'), hashOf('beta'), hashOf('alpha'), hashOf('gamma')]);
        expect(hashes(exact)).toEqual(hashes(approx));
      });

      it('filters by thread, author, status, co-author, kind, message address, content hash and time range', async () => {
        const q = (filter: Parameters<VectorStore['query']>[0]['filter']) =>
          store.query({ vector: axisVector(0), limit: 10, filter }).then(hashes);
        expect(new Set(await q({ threadId: THREAD_B }))).toEqual(new Set([hashOf('delta'), hashOf('epsilon')]));
        expect(new Set(await q({ author: BOB }))).toEqual(new Set([hashOf('beta'), hashOf('zeta')]));
        expect(new Set(await q({ status: ['CONFIRMED', 'FAILED'] }))).toEqual(
          new Set([hashOf('alpha'), hashOf('zeta'), hashOf('epsilon')]),
        );
        expect(new Set(await q({ coAuthor: CAROL }))).toEqual(new Set([hashOf('delta'), hashOf('epsilon')]));
        expect(await q({ coAuthor: [BOB], threadId: THREAD_B })).toEqual([]);
        expect(await q({ kind: 'thread' })).toEqual([]);
        expect(await q({ contentHash: hashOf('gamma') })).toEqual([hashOf('gamma')]);
        expect(
          new Set(await q({ messageAddress: [messageAddress('gamma'), messageAddress('delta', THREAD_B)] })),
        ).toEqual(new Set([hashOf('gamma'), hashOf('delta')]));
        // delta lives in thread B: its content hash with thread A's address is no message of this collection.
        expect(await q({ messageAddress: messageAddress('delta', THREAD_A) })).toEqual([]);
        expect(new Set(await q({ createdAt: { gte: 2_000, lt: 4_000 } }))).toEqual(
          new Set([hashOf('beta'), hashOf('gamma')]),
        );
        expect(await q({ threadId: THREAD_A, author: ALICE, createdAt: { gt: 1_000 } })).toEqual([hashOf('gamma')]);
      });

      it('drops hits below the score threshold', async () => {
        const hits = await store.query({ vector: axisVector(0), limit: 10, scoreThreshold: 0.85 });
        expect(new Set(hashes(hits))).toEqual(new Set([hashOf('alpha'), hashOf('delta'), hashOf('beta')]));
        expect(hits.every((h) => h.score >= 0.85)).toBe(true);
      });

      it('counts with and without filters', async () => {
        expect(await store.count()).toBe(6);
        expect(await store.count({ threadId: THREAD_A })).toBe(4);
        expect(await store.count({ threadId: THREAD_A, status: 'CONFIRMED' })).toBe(2);
      });

      it('is idempotent: the same message is one point, the last write wins', async () => {
        await store.upsert([message({ content: 'alpha', vector: axisVector(5), status: 'FINALIZED' })]);
        expect(await store.count()).toBe(6);
        const [hit] = await store.query({ vector: axisVector(5), limit: 1 });
        expect(hit!.payload).toMatchObject({ content: 'alpha', status: 'FINALIZED' });
      });

      it('updates on-chain metadata by message address and by filter', async () => {
        await store.setPayload({ status: 'FINALIZED', slot: 99 }, { messageAddresses: [messageAddress('beta')] });
        await store.setPayload({ co_authors: [ALICE, BOB, CAROL] }, { filter: { threadId: THREAD_A } });
        const [beta] = await store.query({ vector: axisVector(0), limit: 1, filter: { contentHash: hashOf('beta') } });
        expect(beta!.payload).toMatchObject({ status: 'FINALIZED', slot: 99, content: 'beta' });
        expect(await store.count({ coAuthor: CAROL })).toBe(6);
        expect(await store.count({ status: 'FINALIZED' })).toBe(1);
      });

      it('rejects patches of fields that never change, and empty selectors', async () => {
        await rejectsWith(
          store.setPayload({ content: 'x' } as never, { messageAddresses: [messageAddress('beta')] }),
          'QDRANT_STORAGE_REJECTED',
        );
        // A content hash no longer names one point: the old selector is refused, as are malformed addresses.
        await rejectsWith(
          store.setPayload({ status: 'X' }, { contentHashes: [hashOf('beta')] } as never),
          'QDRANT_QUERY_INVALID',
        );
        await rejectsWith(
          store.setPayload({ status: 'X' }, { messageAddresses: [hashOf('beta')] }),
          'QDRANT_QUERY_INVALID',
        );
        await rejectsWith(store.deletePoints({ messageAddresses: ['1'.repeat(44)] }), 'QDRANT_QUERY_INVALID');
        await rejectsWith(store.setPayload({ status: 'X' }, { filter: {} }), 'QDRANT_QUERY_INVALID');
        await rejectsWith(store.deletePoints({ filter: {} }), 'QDRANT_QUERY_INVALID');
        expect(await store.count({ status: 'X' })).toBe(0);
      });

      it('deletes by message address and by filter', async () => {
        await store.deletePoints({ messageAddresses: [messageAddress('alpha'), messageAddress('zeta')] });
        expect(await store.count()).toBe(4);
        await store.deletePoints({ filter: { threadId: THREAD_B } });
        expect(new Set(hashes(await store.query({ vector: axisVector(0), limit: 10 })))).toEqual(
          new Set([hashOf('beta'), hashOf('gamma')]),
        );
      });

      it('scrolls every point exactly once, page by page, with filters and vectors', async () => {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.scroll({ limit: 4, ...(cursor ? { cursor } : {}) });
          seen.push(...page.points.map((p) => p.payload.content_hash));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(pages).toBe(2);
        expect(seen.sort()).toEqual(
          corpus()
            .map((p) => p.payload.content_hash)
            .sort(),
        );
        const filtered = await store.scroll({ filter: { threadId: THREAD_B }, withVector: true });
        expect(filtered.nextCursor).toBeUndefined();
        expect(filtered.points).toHaveLength(2);
        const delta = filtered.points.find((p) => p.payload.content === 'delta')!;
        const norm = Math.hypot(1, 0.2);
        expect(delta.vector![0]).toBeCloseTo(1 / norm, 5);
        expect(delta.vector![1]).toBeCloseTo(0.2 / norm, 5);
      });

      it('rejects bad input with a typed error and writes nothing', async () => {
        const good = message({ content: 'fine', vector: axisVector(4) });
        const thread = message({ content: 'a thread', kind: 'thread', thread: THREAD_A });
        const bad: Array<[Parameters<VectorStore['upsert']>[0][number], string]> = [
          [message({ content: 'short', vector: [1, 2, 3] }), 'EMBEDDING_INVALID'],
          [message({ content: 'nan', vector: [Number.NaN, 0, 0, 0, 0, 0, 0, 1] }), 'EMBEDDING_INVALID'],
          [message({ content: 'zero', vector: new Array(DIM).fill(0) }), 'EMBEDDING_INVALID'],
          [
            { ...message({ content: 'x' }), payload: { ...message({ content: 'x' }).payload, content: ' ' } },
            'EMBEDDING_INVALID',
          ],
          [message({ content: 'y'.repeat(70_000) }), 'EMBEDDING_INVALID'],
          [{ ...good, payload: { ...good.payload, content_hash: hashOf('other') } }, 'QDRANT_STORAGE_REJECTED'],
          [{ ...good, payload: { ...good.payload, extra: 1 } as never }, 'QDRANT_STORAGE_REJECTED'],
          [{ ...good, payload: { ...good.payload, slot: -1 } }, 'QDRANT_STORAGE_REJECTED'],
          [{ ...good, payload: { ...good.payload, message_address: undefined } as never }, 'QDRANT_STORAGE_REJECTED'],
          [{ ...good, payload: { ...good.payload, message_address: hashOf('fine') } }, 'QDRANT_STORAGE_REJECTED'],
          // A thread point's address is its thread's own.
          [{ ...thread, payload: { ...thread.payload, message_address: THREAD_B } }, 'QDRANT_STORAGE_REJECTED'],
        ];
        for (const [point, code] of bad) await rejectsWith(store.upsert([good, point]), code);
        expect(await store.count()).toBe(6);
        const query = { vector: axisVector(0), limit: 5 };
        await rejectsWith(store.query({ ...query, vector: [1, 0] }), 'EMBEDDING_INVALID');
        await rejectsWith(store.query({ ...query, limit: 0 }), 'QDRANT_QUERY_INVALID');
        await rejectsWith(store.query({ ...query, scoreThreshold: 2 }), 'QDRANT_QUERY_INVALID');
        await rejectsWith(store.query({ ...query, filter: { thread: THREAD_A } as never }), 'QDRANT_QUERY_INVALID');
        await rejectsWith(store.query({ ...query, filter: { kind: 'reply' as never } }), 'QDRANT_QUERY_INVALID');
        await rejectsWith(
          store.query({ ...query, filter: { createdAt: { after: 1 } as never } }),
          'QDRANT_QUERY_INVALID',
        );
        await rejectsWith(store.count({ author: [] }), 'QDRANT_QUERY_INVALID');
        await rejectsWith(store.scroll({ cursor: 'not-a-cursor' }), 'QDRANT_QUERY_INVALID');
      });
    });

    describe('the same content in two threads', () => {
      const inA = () => message({ content: '+1', thread: THREAD_A, vector: axisVector(6), author: ALICE });
      const inB = () =>
        message({ content: '+1', thread: THREAD_B, vector: axisVector(6), author: CAROL, coAuthors: [CAROL] });

      beforeEach(async () => {
        await store.ensureCollection();
        // Two calls: the second thread's write must not replace the first's point.
        await store.upsert([inA()]);
        await store.upsert([inB()]);
      });

      it('is two points, one per message address, and both survive', async () => {
        expect(await store.count({ contentHash: hashOf('+1') })).toBe(2);
        const hits = await store.query({ vector: axisVector(6), limit: 10 });
        expect(new Set(hits.map((h) => h.id))).toEqual(
          new Set([messagePointId(messageAddress('+1', THREAD_A)), messagePointId(messageAddress('+1', THREAD_B))]),
        );
        expect(new Set(hits.map((h) => h.payload.thread_id))).toEqual(new Set([THREAD_A, THREAD_B]));
      });

      it('is written as two points from one batch as well', async () => {
        await store.deletePoints({ filter: { contentHash: hashOf('+1') } });
        await store.upsert([inA(), inB()]);
        expect(await store.count({ contentHash: hashOf('+1') })).toBe(2);
      });

      it("is found in each thread by a thread filter, with that thread's payload", async () => {
        for (const [thread, author] of [
          [THREAD_A, ALICE],
          [THREAD_B, CAROL],
        ] as const) {
          const hits = await store.query({ vector: axisVector(6), limit: 10, filter: { threadId: thread } });
          expect(hits).toHaveLength(1);
          expect(hits[0]!.payload).toMatchObject({
            message_address: messageAddress('+1', thread),
            thread_id: thread,
            author,
            content: '+1',
          });
          expect(await store.count({ threadId: thread, contentHash: hashOf('+1') })).toBe(1);
        }
      });

      it("updates and deletes one thread's message by its address, leaving the other", async () => {
        await store.setPayload(
          { status: 'FINALIZED', slot: 42 },
          { messageAddresses: [messageAddress('+1', THREAD_A)] },
        );
        const status = async (thread: string) =>
          (await store.scroll({ filter: { threadId: thread, contentHash: hashOf('+1') } })).points.map((p) => [
            p.payload.status,
            p.payload.slot,
          ]);
        expect(await status(THREAD_A)).toEqual([['FINALIZED', 42]]);
        expect(await status(THREAD_B)).toEqual([['PENDING', 0]]);

        await store.deletePoints({ messageAddresses: [messageAddress('+1', THREAD_B)] });
        expect(await status(THREAD_B)).toEqual([]);
        expect(await status(THREAD_A)).toEqual([['FINALIZED', 42]]);
        expect(await store.count({ messageAddress: messageAddress('+1', THREAD_A) })).toBe(1);
      });
    });

    it('registers a thread: a thread point, and its co-authors on its messages', async () => {
      const embedder = new HashingEmbedder(DIM);
      await store.ensureCollection();
      await store.upsert([message({ content: 'first', thread: THREAD_A, coAuthors: [ALICE] })]);
      const thread = {
        threadId: THREAD_A,
        creator: ALICE,
        coAuthors: [ALICE, CAROL],
        title: 'Vector stores',
        status: 'CONFIRMED',
        slot: 7,
        createdAt: 10,
      };
      await registerThread(store, embedder, thread);
      await registerThread(store, embedder, thread);
      expect(await store.count({ kind: 'thread' })).toBe(1);
      expect(await store.count({ threadId: THREAD_A, coAuthor: CAROL, kind: 'message' })).toBe(1);
      const [hit] = await store.query({
        vector: (await embedder.embed(['Vector stores']))[0]!,
        limit: 1,
        filter: { kind: 'thread' },
      });
      expect(hit!.payload).toMatchObject({ thread_id: THREAD_A, content: 'Vector stores', author: ALICE });
    });

    it('rebuilds into a new collection and swaps the alias without downtime', async () => {
      const first = await store.ensureCollection();
      await store.upsert([message({ content: 'old', vector: axisVector(0) })]);
      const nextName = `${store.collection}_rebuild`;
      const next = store.withCollection(nextName);
      await next.ensureCollection();
      await next.upsert([message({ content: 'new', vector: axisVector(0) })]);
      // Until the swap, readers still see the old collection.
      expect(hashes(await store.query({ vector: axisVector(0), limit: 5 }))).toEqual([hashOf('old')]);
      const { previous } = await store.swapAlias(nextName);
      expect(previous).toBe(first.physicalName);
      expect(hashes(await store.query({ vector: axisVector(0), limit: 5 }))).toEqual([hashOf('new')]);
      expect((await store.describe())!.physicalName).toBe(nextName);
      await rejectsWith(store.dropCollection(nextName), 'QDRANT_STORAGE_REJECTED');
      await store.dropCollection(first.physicalName);
      expect(await store.count()).toBe(1);
    });
  });
}
