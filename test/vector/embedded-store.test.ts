import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isChoirError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createVectorStore } from '../../src/vector/create-vector-store.js';
import { EmbeddedVectorStore } from '../../src/vector/embedded/embedded-store.js';
import type { VectorStore } from '../../src/vector/types.js';
import { axisVector, DIM, MODEL, message } from './fixtures.js';
import { closeFileDatabase, sharedInMemoryDatabase } from './fresh-database.js';
import { runVectorStoreContract } from './vector-store.contract.js';

afterAll(closeFileDatabase);

runVectorStoreContract('embedded (PGlite + pgvector)', async () => {
  const { database, collection } = await sharedInMemoryDatabase();
  const stores: VectorStore[] = [];
  return {
    async open({ dimension, model }) {
      const store = new EmbeddedVectorStore(
        database,
        {
          collection,
          dimension,
          model,
          maxContentBytes: 65_536,
          upsertBatchSize: 4,
          hnsw: { m: 16, efConstruction: 64 },
        },
        silentLogger,
        false,
        false,
      );
      stores.push(store);
      return store;
    },
    // The file's database outlives the test (closed after the file); the test's collection is its own.
    async dispose() {},
  };
});

describe('embedded store on disk', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'choir-vectors-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const settings = (dataDir: string) => ({
    qdrant: undefined,
    collection: 'messages',
    upsertBatchSize: 256,
    dataDir,
    memoryIndex: true,
    hnsw: { m: 16, efConstruction: 64, efSearch: 100 },
    maxContentBytes: 65_536,
  });
  const identity = { dimension: DIM, modelId: MODEL };

  it('keeps points across a restart', async () => {
    const dir = tempDir();
    const first = await createVectorStore(settings(dir), silentLogger, identity);
    await first.ensureCollection();
    await first.upsert([message({ content: 'persisted', vector: axisVector(2) })]);
    await first.close();

    const second = await createVectorStore(settings(dir), silentLogger, identity);
    await second.ensureCollection();
    const [hit] = await second.query({ vector: axisVector(2), limit: 1 });
    expect(hit!.payload.content).toBe('persisted');
    await second.close();
  });

  it('lets one process own a data directory at a time', async () => {
    const dir = tempDir();
    const owner = await createVectorStore(settings(dir), silentLogger, identity);
    // Pretend another live process holds the lock: our parent's pid is alive and not ours.
    await owner.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'choir.lock'), String(process.ppid));
    const err = await createVectorStore(settings(dir), silentLogger, identity).catch((e: unknown) => e);
    expect(isChoirError(err, 'ALREADY_RUNNING')).toBe(true);
    expect((err as Error).message).toContain(`choir is already running here (pid ${process.ppid})`);
    // A stale lock (a pid that is not running) is taken over.
    writeFileSync(join(dir, 'choir.lock'), '999999999');
    const store = await createVectorStore(settings(dir), silentLogger, identity);
    await store.close();
  });
});
