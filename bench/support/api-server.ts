// Runs the GraphQL API alone (no chain, no indexer) on DATABASE_URL for read benchmarks, in its own process so the
// load generator does not share its event loop. Prints `LISTENING <url>` once it serves; stops on SIGTERM.
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import pg from 'pg';
import { startApi } from '../../test/api/harness.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.POOL_SIZE ?? 10) });
const api = await startApi(
  { url, pool },
  {
    env: {
      API_RATE_LIMIT_PER_MINUTE: '0',
      API_RATE_LIMIT_IP_PER_MINUTE: '0',
      API_MAX_SUBSCRIPTIONS_PER_CONNECTION: '100000',
    },
    // The pool itself, as `choir start` passes it (not the harness's statement-counting wrapper): reads then take
    // the production path, the per-query timeout's cancellable one included.
    services: { db: pool },
  },
);
process.stdout.write(`LISTENING ${api.url}\n`);
// SIGUSR2: print this process's memory after full GCs (run with --expose-gc), for per-subscription figures.
process.on('SIGUSR2', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const rss = await settledRss();
  const { heapUsed, external } = process.memoryUsage();
  // Pages each V8 space holds (young generation apart): where an RSS delta sits.
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]));
  // V8's own malloc'd memory (zones, handles): part of "outside V8's heap" in the bench's breakdown.
  const v8Malloced = getHeapStatistics().malloced_memory;
  process.stdout.write(
    `MEMORY ${JSON.stringify({ rss, heapUsed, external, spaces, v8Malloced, gc: gc !== undefined })}\n`,
  );
});
process.on('SIGTERM', async () => {
  await api.close();
  await pool.end();
  process.exit(0);
});

/**
 * RSS once the collections' pages have gone back to the OS. V8 unmaps the pages a full GC freed on a background
 * thread after the GC returns: a reading taken at once counted tens of MB that were leaving (smaps, read a moment
 * later, showed 40 MB less than memoryUsage() taken just before it). Sampled every 100 ms until it stops falling.
 */
async function settledRss(): Promise<number> {
  let last = process.memoryUsage.rss();
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = process.memoryUsage.rss();
    if (last - now < 64 * 1024) return now;
    last = now;
  }
  return last;
}
