/**
 * The service's parts in this process, as `choir start` composes them (test/pipeline/service.ts), with the embedded
 * vector store in a temporary folder. Consistency tests fill it through the real pipeline, then break and repair it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, PublicKey } from '@solana/web3.js';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import { mountAdmin } from '../../src/api/admin/routes.js';
import { createHttpServer, type HttpServer } from '../../src/api/http-server.js';
import { readSection } from '../../src/config/section.js';
import { vectorSection } from '../../src/config/sections/vector.js';
import { consistencyOperations, type ReconcileDeps } from '../../src/consistency/index.js';
import { HealthRegistry } from '../../src/observability/health.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetricsRegistry } from '../../src/observability/metrics.js';
import { createVectorStore } from '../../src/vector/create-vector-store.js';
import type { VectorStore } from '../../src/vector/types.js';
import { until } from '../indexer/harness.js';
import { embedder, messageRequest, threadRequest } from '../pipeline/harness.js';
import { type PipelineService, startPipelineService } from '../pipeline/service.js';
import { freePort } from '../support/ports.js';

export const meta = { requestId: 'consistency-test' };

export interface Service extends PipelineService<VectorStore> {
  vectorDir: string;
  author: Keypair;
  deps: ReconcileDeps;
}

export async function startService(): Promise<Service> {
  const vectorDir = mkdtempSync(join(tmpdir(), 'choir-vectors-'));
  const service = await startPipelineService({
    store: async () => {
      const store = await createVectorStore(
        readSection(vectorSection, { VECTOR_DATA_DIR: vectorDir }),
        silentLogger,
        embedder,
      );
      await store.ensureCollection();
      return store;
    },
    onClose: () => rmSync(vectorDir, { recursive: true, force: true }),
  });
  const { pool, store, relayer } = service;
  const deps: ReconcileDeps = { pool, store, embedder, rpc: relayer.rpc, programId: CHOIR_PROGRAM_ID.toBase58() };
  return Object.assign(service, { vectorDir, author: Keypair.generate(), deps });
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

/** The service's admin routes (what `choir sync`, `reconcile` and `rebuild-index` ask) on an HTTP server on a free port. */
export async function serveAdmin(s: Service): Promise<{ http: HttpServer; port: number }> {
  const port = await freePort();
  const http = createHttpServer({
    host: '127.0.0.1',
    port,
    shutdownTimeoutMs: 1_000,
    health: new HealthRegistry(),
    metrics: createMetricsRegistry(),
    logger: silentLogger,
  });
  mountAdmin(
    http.app,
    consistencyOperations({ ...s.deps, store: s.store, embedder, stream: 'choir', logger: silentLogger }),
    silentLogger,
  );
  await http.listen();
  return { http, port };
}
