/**
 * rebuild-index: every message with content re-embedded into a new collection while search keeps answering from
 * the old one and submissions keep flowing; the alias swapped, the old collection dropped, nothing lost (content
 * only the old collection held is carried over), and a Qdrant collection of the old content-hash identity re-keyed.
 */
import { PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RebuildProgress, rebuildIndex, syncThread } from '../../src/consistency/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { legacyMessagePointId, messagePointId, sha256Hex } from '../../src/vector/point-id.js';
import type { StoredPoint, VectorStore } from '../../src/vector/types.js';
import { openPool, until } from '../indexer/harness.js';
import { embedder, messageRequest } from '../pipeline/harness.js';
import { qdrantTestStore } from '../pipeline/qdrant-store.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { QdrantDouble } from '../support/qdrant-double/server.js';
import { messageAddress, THREAD_A } from '../vector/fixtures.js';
import { meta, newThread, post, type Service, startService } from './harness.js';

async function allPoints(store: VectorStore): Promise<StoredPoint[]> {
  const out: StoredPoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.scroll({ limit: 500, cursor });
    out.push(...page.points);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('rebuild-index on the embedded store, with the service running', () => {
  let s: Service;
  beforeAll(async () => {
    s = await startService();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('swaps in a full new collection while search answers and submissions flow', async () => {
    const thread = await newThread(s);
    const t = thread.toBase58();
    const addresses = await post(
      s,
      thread,
      Array.from({ length: 40 }, (_, i) => `rebuild ${i}`),
    );
    const before = await s.store.describe();
    expect(before?.physicalName).toBe('messages_1');
    // One point lost (the rebuild restores it from Postgres), one message whose only copy is its point (carried over).
    await s.store.deletePoints({ messageAddresses: [addresses[0] as string] });
    await s.pool.query('UPDATE messages SET content = NULL WHERE address = $1', [addresses[1]]);

    const [probe] = await embedder.embed(['rebuild 7']);
    const progress: RebuildProgress[] = [];
    let during: Promise<{ address: string }[]> | undefined;
    let searchedDuring = false;
    const report = await rebuildIndex(
      { pool: s.pool, store: s.store, embedder, logger: silentLogger },
      {
        batch: 8,
        async onProgress(p) {
          progress.push(p);
          if (p.phase !== 'copy' || during) return;
          // Mid-copy: new submissions go to the old collection, and search still answers from it.
          during = Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              s.submissions.submitMessage(messageRequest(s.author, thread, `during ${i}`), meta),
            ),
          );
          const hits = await s.store.query({ vector: probe as Float32Array, limit: 3, filter: { threadId: t } });
          expect(hits[0]?.payload.content).toBe('rebuild 7');
          expect((await s.store.describe())?.physicalName).toBe('messages_1');
          searchedDuring = true;
        },
      },
    );
    expect(searchedDuring).toBe(true);
    expect(report).toMatchObject({ previous: 'messages_1', collection: 'messages_2', dropped: true, carriedOver: 1 });
    expect(progress.filter((p) => p.phase === 'copy').at(-1)).toMatchObject({ done: report.messages });
    expect(progress.map((p) => p.phase)).toContain('swap');
    expect((await s.store.describe())?.physicalName).toBe('messages_2');
    expect(await s.store.withCollection('messages_1').describe()).toBeUndefined();

    // The submissions made during the rebuild land in the new collection too.
    const late = (await during)?.map((a) => a.address) ?? [];
    await until(
      'late submissions confirmed',
      async () =>
        (
          await s.pool.query(
            `SELECT 1 FROM messages WHERE address = ANY ($1::text[]) AND status IN ('CONFIRMED', 'FINALIZED')`,
            [late],
          )
        ).rowCount === late.length,
      30_000,
    );
    await until(
      'payloads applied',
      async () =>
        (await s.pool.query(`SELECT 1 FROM outbox WHERE kind = 'vector.payload' AND state <> 'DONE'`)).rowCount === 0,
    );
    const points = (await allPoints(s.store)).filter((p) => p.payload.thread_id === t);
    const messages = points.filter((p) => p.payload.kind === 'message');
    expect(messages.map((p) => p.payload.message_address).sort()).toEqual([...addresses, ...late].sort());
    for (const p of messages) expect(p.id).toBe(messagePointId(p.payload.message_address));
    expect(points.filter((p) => p.payload.kind === 'thread')).toHaveLength(1);
    expect(await syncThread(s.deps, t)).toMatchObject({ consistent: true, points: 50 });
  }, 120_000);
});

describe('rebuild-index on Qdrant', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let double: QdrantDouble;
  beforeAll(async () => {
    db = await createMigratedDatabase();
    pool = openPool(db.url);
    double = new QdrantDouble();
    await double.start();
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
    await double?.stop();
  });

  it('re-keys points of the old content-hash identity to message addresses', async () => {
    const store = qdrantTestStore(double.url, embedder, {
      upsertBatchSize: 64,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    });
    await store.ensureCollection();
    const author = new PublicKey(new Uint8Array(32).fill(3)).toBase58();
    await pool.query(
      `INSERT INTO threads (address, thread_id, creator, content_root, slot) VALUES ($1, $2, $3, $2, 1)`,
      [THREAD_A, 'a'.repeat(64), author],
    );
    await pool.query(
      'INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, 0, $2, 1)',
      [THREAD_A, author],
    );
    const texts = ['old one', 'old two', 'only in the vector store'];
    for (const text of texts.slice(0, 2)) {
      await pool.query(
        `INSERT INTO messages (address, thread_address, content_hash, author, content, status, slot)
         VALUES ($1, $2, $3, $4, $5, 'FINALIZED', 5)`,
        [messageAddress(text, THREAD_A), THREAD_A, sha256Hex(text), author, text],
      );
    }
    // What the previous version wrote: ids from the content hash, no message_address.
    const vectors = await embedder.embed(texts);
    double.state.upsert('messages', {
      points: texts.map((content, i) => ({
        id: legacyMessagePointId(sha256Hex(content)),
        vector: Array.from(vectors[i] as Float32Array),
        payload: {
          content_hash: sha256Hex(content),
          thread_id: THREAD_A,
          author,
          co_authors: [author],
          status: 'FINALIZED',
          slot: 5,
          created_at: 0,
          kind: 'message',
          content,
        },
      })),
    });
    expect((await store.describe())?.legacyPoints).toBe(3);

    const report = await rebuildIndex({ pool, store, embedder, logger: silentLogger });
    expect(report).toMatchObject({ messages: 2, threads: 1, carriedOver: 1, collection: 'messages_2', dropped: true });
    const info = await store.describe();
    expect(info).toMatchObject({ physicalName: 'messages_2', legacyPoints: 0, points: 4 });
    const messages = (await allPoints(store)).filter((p) => p.payload.kind === 'message');
    expect(messages.map((p) => [p.id, p.payload.message_address]).sort()).toEqual(
      texts.map((text) => [messagePointId(messageAddress(text, THREAD_A)), messageAddress(text, THREAD_A)]).sort(),
    );
    expect(double.rejected).toEqual([]);
  });
});
