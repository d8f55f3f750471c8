/**
 * The vector store down for 30 s while 1,000 submissions arrive (issue 14's fault test): the pipeline talks to a
 * request-validating Qdrant double through the real client, and the double's server is stopped (connections
 * refused, as a Qdrant that is down) and later restarted at the same address. Every submission is accepted during
 * the outage and stays PENDING (nothing is stored or recorded without its point); after the store returns, every
 * one reaches CONFIRMED with exactly one point, none rolled back, no outbox item left behind.
 *
 * In the main pass, not the load pass: it asserts completion, not timing, and beside the load pass's /healthz
 * p99 test it pushed that one over its limit. About a minute of wall time, most of it the outage itself.
 */
import { Keypair } from '@solana/web3.js';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.js';
import type { Submissions } from '../../src/pipeline/submissions.js';
import type { QdrantVectorStore } from '../../src/vector/qdrant/qdrant-store.js';
import { ChainDriver } from '../indexer/devnet-driver.js';
import { until } from '../indexer/harness.js';
import { QdrantDouble } from '../support/qdrant-double/server.js';
import { embedder, messageRequest } from './harness.js';
import { qdrantTestStore } from './qdrant-store.js';
import { type PipelineService, startPipelineService } from './service.js';

const SUBMISSIONS = 1_000;
const OUTAGE_MS = 30_000;
const meta = { requestId: 'vector-outage' };

describe('vector store down for 30 s during 1,000 submissions', () => {
  let s: PipelineService<QdrantVectorStore>;
  let devnet: Devnet;
  let pool: pg.Pool;
  let double: QdrantDouble;
  let store: QdrantVectorStore;
  let submissions: Submissions;

  beforeAll(async () => {
    double = new QdrantDouble();
    s = await startPipelineService({
      store: async () => {
        await double.start();
        const store = qdrantTestStore(double.url, embedder);
        await store.ensureCollection();
        return store;
      },
      outboxRetry: { baseDelayMs: 50, maxDelayMs: 1_000 },
      // The production backoff shape, capped at 2 s so recovery is prompt once the store answers again.
      workers: { retryMaxMs: 2_000 },
      onClose: () => double.stop(),
    });
    ({ devnet, pool, store, submissions } = s);
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  it('accepts every submission during the outage and completes each one after it', { timeout: 240_000 }, async () => {
    const chain = new ChainDriver(devnet);
    chain.fund(chain.payer.publicKey);
    const author = Keypair.generate();
    chain.fund(author.publicKey);
    const thread = chain.createThread([author]);
    await until('thread indexed', async () => (await pool.query('SELECT 1 FROM threads')).rowCount === 1, 30_000);
    const count = async (where: string) =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE ${where}`)).rows[0]?.n;

    // Down: connections refused from now on.
    const port = Number(new URL(double.url).port);
    await double.stop();
    const downAt = Date.now();
    // The submissions arrive across the outage, in 20 waves of 50.
    const addresses: string[] = [];
    for (let wave = 0; wave < 20; wave++) {
      const accepted = await Promise.all(
        Array.from({ length: SUBMISSIONS / 20 }, (_, i) =>
          submissions.submitMessage(messageRequest(author, thread, `outage ${wave}-${i}`), meta),
        ),
      );
      addresses.push(...accepted.map((a) => a.address));
      await new Promise((r) => setTimeout(r, (OUTAGE_MS * 0.8) / 20));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    expect(new Set(addresses).size).toBe(SUBMISSIONS);
    // Nothing moved past PENDING without its point, and nothing gave up.
    expect(await count(`status = 'PENDING'`)).toBe(SUBMISSIONS);
    expect(await count(`status = 'ROLLED_BACK'`)).toBe(0);

    await double.start(port);
    const upAt = Date.now();
    await until(
      'all confirmed after the outage',
      async () => (await count(`status IN ('CONFIRMED', 'FINALIZED')`)) === SUBMISSIONS,
      180_000,
    );
    const recoverySeconds = (Date.now() - upAt) / 1000;
    console.log(
      `vector outage: ${SUBMISSIONS} submissions over ${OUTAGE_MS / 1000} s down, all confirmed ${recoverySeconds.toFixed(1)} s after the store returned`,
    );

    expect(await count(`status = 'ROLLED_BACK'`)).toBe(0);
    expect(await store.count({ threadId: thread.toBase58(), kind: 'message' })).toBe(SUBMISSIONS);
    const stored = await store.scroll({ filter: { threadId: thread.toBase58(), kind: 'message' }, limit: SUBMISSIONS });
    expect(new Set(stored.points.map((p) => p.payload.message_address))).toEqual(new Set(addresses));
    // The indexer's vector payload updates (commitment promotions) queued during the outage drain too.
    const left = async () =>
      (await pool.query(`SELECT kind, state, count(*)::int AS n FROM outbox WHERE state <> 'DONE' GROUP BY 1, 2`)).rows;
    await until(
      'outbox drained',
      async () => (await left()).every((r) => r.state !== 'PENDING' && r.state !== 'RUNNING'),
      60_000,
    );
    expect(await left()).toEqual([]); // none DEAD: no item gave up during the outage
    expect(double.rejected).toEqual([]);
  });
});
