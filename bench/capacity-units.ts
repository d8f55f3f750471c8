// The per-unit costs `choir status --capacity` divides by (docs/scaling.md):
//   A. the write path, whole stack in one process: CPU-µs per accepted submission (this process — API, workers,
//      relayer, devnet, indexer — plus its Postgres backends) and Postgres bytes per message (its row, events,
//      outbox item, indexes), over N messages submitted, stored, relayed and confirmed;
//   B. memory per subscription: an API process (`choir start --role api`, a child) before and after S
//      subscriptions over graphql-ws;
//   C. fan-out: events per second one API process's LISTEN hub reads and hands to its subscribers, with 1 and
//      with 100 subscriptions.
// `npm run bench -- capacity-units [messages] [subscriptions]`. Needs Postgres at 127.0.0.1:5432 (TEST_PG_URL).
// Last line: RESULT {json}.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, PublicKey } from '@solana/web3.js';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { eventCursor } from '../src/api/graphql/read/cursor.js';
import { parsePrometheusText, sumOf } from '../src/cli/status/prometheus-text.js';
import { loadConfig } from '../src/config/index.js';
import { appendEvents } from '../src/events/append-events.js';
import { silentLogger } from '../src/observability/logger.js';
import { Lifecycle } from '../src/runtime/lifecycle.js';
import { startStack } from '../src/runtime/stack.js';
import { messageRequest, threadRequest } from '../test/pipeline/harness.js';
import { runChoir } from '../test/support/choir-process.js';
import { freePort } from '../test/support/ports.js';
import { createMigratedDatabase } from '../test/support/postgres.js';
import { inProcessStackEnv } from '../test/support/start-env.js';
import { until as waitUntil } from '../test/support/until.js';
import { processCpuSeconds, sumCpuSeconds } from './support/cpu-time.js';

/** This file's waits: 300_000 ms at most, polled every 100 ms. */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 300_000) => waitUntil(what, probe, ms, 100);

const MESSAGES = Number(process.argv[2] ?? 1_000);
const SUBSCRIPTIONS = Number(process.argv[3] ?? 5_000);
const FANOUT_EVENTS = 20_000;
console.log(
  `cpu: ${cpus()[0]?.model ?? 'unknown'} x ${cpus().length}; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

async function backendPids(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  return rows.map((r) => r.pid);
}

const dbSize = async (pool: pg.Pool) =>
  Number((await pool.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b')).rows[0]?.b);

// ── A. the write path ───────────────────────────────────────────────────────────────────────────────────────────
const dir = mkdtempSync(join(tmpdir(), 'choir-capacity-'));
const dbA = await createMigratedDatabase();
const lifecycle = new Lifecycle(silentLogger);
const stack = await startStack(
  loadConfig({
    ...(await inProcessStackEnv(dbA.url, dir)),
    DEVNET_FINALITY_DEPTH: '4',
  }),
  silentLogger,
  lifecycle,
);
const pool = new pg.Pool({ connectionString: dbA.url, max: 2 });
const creator = Keypair.generate();
const thread = await stack.submissions.createThread(threadRequest(creator), { requestId: 'bench' });
await until(
  'thread indexed',
  async () => (await pool.query('SELECT 1 FROM threads WHERE address = $1', [thread.address])).rowCount === 1,
);
const threadKey = new PublicKey(thread.address);
await pool.query('VACUUM ANALYZE');
const sizeBefore = await dbSize(pool);
const pidsBefore = await backendPids(pool);
const cpuBefore = process.cpuUsage();
const pgBefore = sumCpuSeconds(pidsBefore) ?? 0;
const started = performance.now();
for (let i = 0; i < MESSAGES; i += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, MESSAGES - i) }, (_, j) =>
      stack.submissions.submitMessage(
        messageRequest(creator, threadKey, `capacity bench message ${i + j}: ${'lorem ipsum '.repeat(12)}`),
        { requestId: 'bench' },
      ),
    ),
  );
}
await until(`${MESSAGES} messages confirmed`, async () => {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM messages WHERE thread_address = $1 AND status IN ('CONFIRMED', 'FINALIZED')`,
    [thread.address],
  );
  return (rows[0]?.n ?? 0) >= MESSAGES;
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const pgAfter = sumCpuSeconds(pidsBefore) ?? 0;
const processCpu = (cpu.user + cpu.system) / 1e6;
const postgresCpu = pgAfter - pgBefore;
// Promotions to FINALIZED and vector payload updates still run a moment after CONFIRMED: let them land.
await new Promise((r) => setTimeout(r, 3_000));
await pool.query('VACUUM ANALYZE');
const sizeAfter = await dbSize(pool);
const cpuMicrosPerSubmission = Math.round(((processCpu + postgresCpu) * 1e6) / MESSAGES);
const bytesPerMessage = Math.round((sizeAfter - sizeBefore) / MESSAGES);
console.log(
  `A. ${MESSAGES} messages submitted → confirmed in ${seconds.toFixed(1)} s (${(MESSAGES / seconds).toFixed(0)}/s): ` +
    `CPU ${processCpu.toFixed(1)} s (this process, devnet included) + ${postgresCpu.toFixed(1)} s (Postgres) = ` +
    `${cpuMicrosPerSubmission} µs per submission; database +${((sizeAfter - sizeBefore) / 2 ** 20).toFixed(1)} MB = ${bytesPerMessage} bytes per message`,
);
const devnet = stack.chain;

// ── B. memory per subscription, C. fan-out: an API process of its own ──────────────────────────────────────────
const dbB = await createMigratedDatabase();
const poolB = new pg.Pool({ connectionString: dbB.url, max: 2 });
const port = await freePort();
const api = runChoir(['start', '--role', 'api'], {
  DATABASE_URL: dbB.url,
  PORT: String(port),
  HOST: '127.0.0.1',
  SOLANA_RPC_URL: devnet.rpcUrl,
  GEYSER_URL: devnet.geyserUrl,
  DEVNET_DATA_DIR: join(dir, 'devnet'),
  API_MAX_SUBSCRIPTIONS_PER_CONNECTION: '100',
  API_RATE_LIMIT_IP_PER_MINUTE: '0',
  API_RATE_LIMIT_PER_MINUTE: '0',
  LOG_LEVEL: 'warn',
});
const base = `http://127.0.0.1:${port}`;
await until('api role up', async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true, 120_000);
const apiMemory = async () => {
  const samples = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
  return {
    rss: sumOf(samples, 'choir_process_resident_memory_bytes'),
    heap: sumOf(samples, 'choir_nodejs_heap_size_used_bytes'),
    subscriptions: sumOf(samples, 'choir_api_subscriptions_active'),
  };
};
await new Promise((r) => setTimeout(r, 2_000));
const memBefore = await apiMemory();
const query = 'subscription ($after: String) { events(after: $after) { sequence } }';
const after = eventCursor(0n);
const clients: ReturnType<typeof createClient>[] = [];
const received = new Map<number, number>();
let opened = 0;
for (let c = 0; c * 100 < SUBSCRIPTIONS; c++) {
  const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  clients.push(client);
  for (let s = 0; s < 100 && opened < SUBSCRIPTIONS; s++, opened++) {
    const id = opened;
    client.subscribe(
      { query, variables: { after } },
      {
        next: () => received.set(id, (received.get(id) ?? 0) + 1),
        error: () => {},
        complete: () => {},
      },
    );
  }
}
await until(
  `${SUBSCRIPTIONS} subscriptions open`,
  async () => (await apiMemory()).subscriptions >= SUBSCRIPTIONS,
  120_000,
);
await new Promise((r) => setTimeout(r, 3_000));
const memAfter = await apiMemory();
const bytesPerSubscription = Math.round((memAfter.rss - memBefore.rss) / SUBSCRIPTIONS);
console.log(
  `B. ${SUBSCRIPTIONS} subscriptions on ${clients.length} connections: API process RSS +${((memAfter.rss - memBefore.rss) / 2 ** 20).toFixed(1)} MB, ` +
    `heap +${((memAfter.heap - memBefore.heap) / 2 ** 20).toFixed(1)} MB: ${bytesPerSubscription} bytes per subscription (RSS)`,
);
for (const c of clients) await c.dispose();
await until('subscriptions closed', async () => (await apiMemory()).subscriptions === 0, 60_000);

async function fanout(subscribers: number): Promise<number> {
  const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const { rows } = await poolB.query<{ s: string }>('SELECT coalesce(max(sequence), 0)::text AS s FROM events');
  const from = eventCursor(BigInt(rows[0]?.s ?? '0'));
  const counts = new Array<number>(subscribers).fill(0);
  for (let i = 0; i < subscribers; i++) {
    client.subscribe(
      { query, variables: { after: from } },
      {
        next: () => {
          counts[i] = (counts[i] ?? 0) + 1;
        },
        error: () => {},
        complete: () => {},
      },
    );
  }
  await until('fan-out subscriptions open', async () => (await apiMemory()).subscriptions >= subscribers, 60_000);
  const t = performance.now();
  const c = await poolB.connect();
  for (let i = 0; i < FANOUT_EVENTS; i += 500) {
    await c.query('BEGIN');
    await appendEvents(
      c,
      Array.from({ length: 500 }, (_, j) => ({
        threadAddress: `fanout-${(i + j) % 50}`,
        type: 'MessagePublished' as const,
        payload: { messageAddress: `m${i + j}`, contentHash: '0'.repeat(64), author: 'bench', index: i + j },
      })),
    );
    await c.query('COMMIT');
  }
  c.release();
  await until('every subscriber got every event', () => counts.every((n) => n >= FANOUT_EVENTS), 300_000);
  const rate = FANOUT_EVENTS / ((performance.now() - t) / 1000);
  await client.dispose();
  await until('fan-out subscriptions closed', async () => (await apiMemory()).subscriptions === 0, 60_000);
  return Math.round(rate);
}
const fanout1 = await fanout(1);
const fanout100 = await fanout(100);
console.log(
  `C. ${FANOUT_EVENTS} events appended in transactions of 500: ${fanout1} events/s to 1 subscriber, ` +
    `${fanout100} events/s to each of 100 (${fanout100 * 100} deliveries/s)`,
);
const apiCpu = api.child.pid ? processCpuSeconds(api.child.pid) : null;

api.child.kill('SIGTERM');
await api.exited;
await pool.end();
await poolB.end();
await lifecycle.close();
await dbA.drop();
await dbB.drop();
rmSync(dir, { recursive: true, force: true });
console.log(
  `RESULT ${JSON.stringify({
    messages: MESSAGES,
    submissionsPerSecond: Math.round(MESSAGES / seconds),
    cpuMicrosPerSubmission,
    bytesPerMessage,
    subscriptions: SUBSCRIPTIONS,
    bytesPerSubscription,
    fanoutEventsPerSecond: { oneSubscriber: fanout1, hundredSubscribers: fanout100 },
    apiProcessCpuSeconds: apiCpu,
    load: loadavg()[0],
  })}`,
);
