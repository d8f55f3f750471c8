// The indexer alone, for `bench/indexer-ingest`: the chain's raw stream captured once through the official client,
// then replayed from memory into a fresh database, so neither the client nor gRPC take CPU while it is timed.
import pg from 'pg';
import { decodeUpdate } from '../../indexer/decode/decode-update.js';
import { startIndexer } from '../../indexer/indexer.js';
import { MemorySource } from '../../indexer/source/memory-source.js';
import { yellowstoneSource } from '../../indexer/source/yellowstone-source.js';
import { createCursor } from '../../indexer/write/cursor.js';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import type { IndexerSettings } from '../../src/config/sections/indexer.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMigratedDatabase } from '../../test/support/postgres.js';

/** `promise`, or a message and exit 1 after `ms`: a stuck bench says where it stuck. */
export function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>(() => {
    timer = setTimeout(() => {
      console.error(`${what()}: nothing within ${ms} ms`);
      process.exit(1);
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Captures the chain's raw stream up to `target`, then times a fresh indexer fed from memory. */
export async function indexerAlone(
  info: { geyserUrl: string; genesisHash: string },
  target: bigint,
  settings: IndexerSettings,
) {
  const programId = CHOIR_PROGRAM_ID.toBase58();
  const source = new MemorySource({ chunk: 1_024 });
  let accountUpdates = 0;
  await new Promise<void>((resolve, reject) => {
    void yellowstoneSource({ url: info.geyserUrl, xToken: undefined, pingDeadlineMs: 30_000 })
      .open({
        programId,
        fromSlot: 1n,
        onData: (raw) => {
          const u = decodeUpdate(raw, programId, () => {});
          if (!u) return;
          if (u.kind === 'account' && u.slot <= target) accountUpdates++;
          source.append(u.slot, raw);
          if (u.kind === 'slot' && u.status === 'processed' && u.slot > target + 1n) resolve();
        },
      })
      .then((stream) => stream.closed.then((why) => reject(why)))
      .catch(reject);
  }).catch((err) => {
    if (source.entries.length === 0) throw err;
  });
  const db = await createMigratedDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 6 });
  try {
    await createCursor(pool, 'choir', 0n, { genesisHash: info.genesisHash, programId });
    let done: () => void = () => {};
    const caughtUp = new Promise<void>((r) => {
      done = r;
    });
    const started = performance.now();
    const indexer = startIndexer({
      db: { url: db.url, pool },
      settings,
      logger: silentLogger,
      source,
      onCommit: ({ cursor }) => {
        if (cursor !== null && cursor >= target) done();
      },
    });
    await within(caughtUp, 300_000, () => `the memory-fed indexer (status ${JSON.stringify(indexer.status())})`);
    const seconds = (performance.now() - started) / 1000;
    await indexer.close();
    return { updates: accountUpdates, seconds, rate: accountUpdates / seconds };
  } finally {
    await pool.end();
    await db.drop();
  }
}
