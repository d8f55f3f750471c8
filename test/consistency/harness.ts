/**
 * The service's parts in this process, as `choir start` composes them: the devnet (manual clock, ticked here), a
 * test Postgres database, the embedded vector store in a temporary folder, the indexer and the submission
 * workers. Consistency tests fill it through the real pipeline, then break and repair it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import type { RunningIndexer } from '../../indexer/index.js';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import type { Relayer } from '../../src/chain/relayer.js';
import { readSection } from '../../src/config/section.js';
import { vectorSection } from '../../src/config/sections/vector.js';
import type { ReconcileDeps } from '../../src/consistency/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type RunningPipeline, startPipeline } from '../../src/pipeline/start-pipeline.js';
import { createSubmissions } from '../../src/pipeline/submission-service.js';
import type { Submissions } from '../../src/pipeline/submissions.js';
import { createVectorStore } from '../../src/vector/create-vector-store.js';
import type { VectorStore } from '../../src/vector/types.js';
import { startTestDevnet } from '../indexer/devnet-driver.js';
import { launch, openPool, until } from '../indexer/harness.js';
import { embedder, fundedRelayer, messageRequest, threadRequest } from '../pipeline/harness.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';

export const meta = { requestId: 'consistency-test' };

export interface Service {
  devnet: Devnet;
  db: TestDatabase;
  pool: pg.Pool;
  store: VectorStore;
  vectorDir: string;
  indexer: RunningIndexer;
  relayer: Relayer;
  pipeline: RunningPipeline;
  submissions: Submissions;
  author: Keypair;
  deps: ReconcileDeps;
  close(): Promise<void>;
}

export async function startService(): Promise<Service> {
  const devnet = await startTestDevnet();
  const ticker = setInterval(() => devnet.tick(), 100);
  const db = await createMigratedDatabase();
  const pool = openPool(db.url);
  const vectorDir = mkdtempSync(join(tmpdir(), 'choir-vectors-'));
  const store = await createVectorStore(
    readSection(vectorSection, { VECTOR_DATA_DIR: vectorDir }),
    silentLogger,
    embedder,
  );
  await store.ensureCollection();
  const indexer = launch(
    devnet,
    { url: db.url, pool },
    { vectorStore: store, outboxRetry: { baseDelayMs: 20, maxDelayMs: 200 } },
  );
  const relayer = await fundedRelayer(devnet);
  const pipeline = startPipeline({
    pool,
    store,
    embedder,
    relayer,
    logger: silentLogger,
    retryMaxMs: 200,
    resendEveryMs: 0,
  });
  const submissions = createSubmissions({ pool, relayer, maxContentBytes: 4096, onEnqueued: (k) => pipeline.wake(k) });
  const deps: ReconcileDeps = { pool, store, embedder, rpc: relayer.rpc, programId: CHOIR_PROGRAM_ID.toBase58() };
  return {
    devnet,
    db,
    pool,
    store,
    vectorDir,
    indexer,
    relayer,
    pipeline,
    submissions,
    author: Keypair.generate(),
    deps,
    async close() {
      clearInterval(ticker);
      await pipeline.close();
      await indexer.close();
      // A test may have closed the store already, to hand its folder to a CLI process.
      await store.close().catch(() => undefined);
      await pool.end();
      await db.drop();
      await devnet.close();
      rmSync(vectorDir, { recursive: true, force: true });
    },
  };
}

/** A thread created through the pipeline (co-authors: the service's author and `others`), once indexed. */
export async function newThread(s: Service, others: PublicKey[] = []): Promise<PublicKey> {
  const created = await s.submissions.createThread(threadRequest(s.author, others), meta);
  await until(
    'thread indexed',
    async () => (await s.pool.query('SELECT 1 FROM threads WHERE address = $1', [created.address])).rowCount === 1,
  );
  return new PublicKey(created.address);
}

/** Posts `texts` in `thread` through the pipeline and waits until all are confirmed; returns their addresses. */
export async function post(s: Service, thread: PublicKey, texts: string[]): Promise<string[]> {
  const accepted = await Promise.all(
    texts.map((t) => s.submissions.submitMessage(messageRequest(s.author, thread, t), meta)),
  );
  const addresses = accepted.map((a) => a.address);
  await until(
    'messages confirmed',
    async () =>
      (
        await s.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM messages WHERE address = ANY ($1::text[]) AND status IN ('CONFIRMED', 'FINALIZED')`,
          [addresses],
        )
      ).rows[0]?.n === addresses.length,
    60_000,
  );
  // Their co-author payloads too (the outbox applies them after the indexer's commit).
  await until(
    'vector payloads applied',
    async () =>
      (await s.pool.query(`SELECT 1 FROM outbox WHERE kind = 'vector.payload' AND state <> 'DONE'`)).rowCount === 0,
  );
  return addresses;
}
