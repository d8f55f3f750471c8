// `npm run bench -- submit [submissions]`. Last line: RESULT {json}.
//
// The write path end to end on the embedded stack: the devnet with its 400 ms slot clock in a process of its own
// (BENCH_CHAIN=same keeps it in this one, as a plain `choir start` does; the devnet's RPC, execution and Geyser
// encoding then share this event loop), a Postgres database (the test server, as the other benches), and in this
// process the embedded vector store (PGlite + pgvector, memory index) with the hashing embedder (384 dimensions),
// the indexer streaming from the devnet's Geyser server, and the submission workers. Submissions are offered open-loop at BENCH_RATE per second (default 250) through
// `Submissions.submitMessage` (what the GraphQL mutation calls, after its own request handling), spread over
// BENCH_THREADS threads. Per submission: submit → accepted (the API's answer), → RECORDED (its transaction landed) and
// → CONFIRMED (the indexer saw its slot confirmed), observed by polling the rows every 20 ms (so each latency may
// read up to 20 ms late). Goals: ≥ 200 submissions/s end to end (all confirmed), submit → CONFIRMED p99 < 2 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keypair, PublicKey } from '@solana/web3.js';
import pg from 'pg';
import { startIndexer } from '../indexer/indexer.js';
import { Relayer } from '../src/chain/relayer.js';
import { createRpcClient } from '../src/chain/rpc-client.js';
import { readSection } from '../src/config/section.js';
import { devnetSection } from '../src/config/sections/devnet.js';
import { indexerSection } from '../src/config/sections/indexer.js';
import { vectorSection } from '../src/config/sections/vector.js';
import { startDevnet } from '../src/devnet/index.js';
import { HashingEmbedder } from '../src/embed/index.js';
import { silentLogger } from '../src/observability/logger.js';
import { startPipeline } from '../src/pipeline/start-pipeline.js';
import { createSubmissions } from '../src/pipeline/submission-service.js';
import { createVectorStore } from '../src/vector/create-vector-store.js';
import { percentile, printResult } from '../test/embed/synthetic-text.js';
import { messageRequest, threadRequest } from '../test/pipeline/harness.js';
import { createMigratedDatabase } from '../test/support/postgres.js';
import { ownThreadsCpuSeconds, processCpuSeconds, sumCpuSeconds } from './support/cpu-time.js';

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_SUBMISSIONS ?? 5_000);
const RATE = Number(process.env.BENCH_RATE ?? 250);
const THREADS = Number(process.env.BENCH_THREADS ?? 10);
const SLOT_MS = Number(process.env.DEVNET_SLOT_MS ?? 400);
const POLL_MS = 20;
const meta = { requestId: 'bench-submit' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

async function until(what: string, probe: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const startChain = () =>
  startDevnet(
    { ...readSection(devnetSection, {}), rpcPort: 0, wsPort: 0, geyserPort: 0, slotMs: SLOT_MS },
    silentLogger,
    { inMemory: true },
  );

/** The chain in its own process: prints its endpoints as one JSON line, stops when its stdin closes. */
async function chainProcess(): Promise<never> {
  const devnet = await startChain();
  process.stdout.write(`${JSON.stringify({ rpcUrl: devnet.rpcUrl, geyserUrl: devnet.geyserUrl })}\n`);
  process.stdin.resume();
  await new Promise((r) => process.stdin.on('end', r));
  await devnet.close();
  process.exit(0);
}
if (process.argv.includes('--chain')) await chainProcess();

async function openChain(): Promise<{ rpcUrl: string; geyserUrl: string; pid: number; close(): Promise<void> }> {
  if (process.env.BENCH_CHAIN === 'same') {
    const devnet = await startChain();
    return { rpcUrl: devnet.rpcUrl, geyserUrl: devnet.geyserUrl, pid: process.pid, close: () => devnet.close() };
  }
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const child = spawn(process.execPath, [runTs, fileURLToPath(import.meta.url), '--chain'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const endpoints = await new Promise<{ rpcUrl: string; geyserUrl: string }>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += String(chunk);
      const line = buffered.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`the chain process exited (${code})`)));
  });
  return {
    ...endpoints,
    pid: child.pid as number,
    close: () => {
      child.stdin.end();
      return new Promise((r) => child.on('exit', () => r()));
    },
  };
}
console.log(
  `submit: ${TOTAL} submissions offered at ${RATE}/s over ${THREADS} threads; devnet slots of ${SLOT_MS} ms${process.env.BENCH_CHAIN === 'same' ? ' (in this process)' : ' (own process)'}; ` +
    `cpu ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);

const devnet = await openChain();
const db = await createMigratedDatabase('choir_bench');
// Idle connections stay open, so every backend's CPU time can be read at the end.
const pool = new pg.Pool({ connectionString: db.url, max: 10, idleTimeoutMillis: 0 });
const vectorDir = mkdtempSync(join(tmpdir(), 'choir-bench-vectors-'));
const embedder = new HashingEmbedder(384);
const store = await createVectorStore(
  readSection(vectorSection, { VECTOR_DATA_DIR: vectorDir }),
  silentLogger,
  embedder,
);
await store.ensureCollection();
// Where the vector store's time goes (it runs on this process's event loop): calls and milliseconds per method.
const storeTime: Record<string, { calls: number; ms: number; points: number }> = {};
for (const method of ['upsert', 'setPayload', 'deletePoints'] as const) {
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<void>;
  const entry = { calls: 0, ms: 0, points: 0 };
  storeTime[method] = entry;
  (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const t = performance.now();
    try {
      await original(...args);
    } finally {
      entry.calls += 1;
      entry.ms += performance.now() - t;
      if (method === 'upsert') entry.points += (args[0] as unknown[]).length;
    }
  };
}
const indexer = startIndexer({
  db: { url: db.url, pool },
  settings: readSection(indexerSection, { GEYSER_URL: devnet.geyserUrl, SOLANA_RPC_URL: devnet.rpcUrl }),
  logger: silentLogger,
  vectorStore: store,
});
const relayer = new Relayer({ rpc: createRpcClient(devnet.rpcUrl), keypair: Keypair.generate(), logger: silentLogger });
await relayer.airdropIfBelow(1n, 1_000_000_000_000n);
const pipeline = startPipeline({
  pool,
  store,
  embedder,
  relayer,
  logger: silentLogger,
  messageWorkers: Number(process.env.BENCH_WORKERS ?? 3),
});
const submissions = createSubmissions({
  pool,
  relayer,
  maxContentBytes: 65_536,
  onEnqueued: (kind) => pipeline.wake(kind),
});

try {
  const author = Keypair.generate();
  const threads = await Promise.all(
    Array.from({ length: THREADS }, async (_, i) => {
      const created = await submissions.createThread(threadRequest(author, [], `bench ${i}`), meta);
      return new PublicKey(created.address);
    }),
  );
  await until('threads indexed', async () => (await pool.query('SELECT 1 FROM threads')).rowCount === THREADS, 60_000);
  // Signed ahead of time: the bench measures the service, not the clients' signing.
  const requests = Array.from({ length: TOTAL }, (_, i) =>
    messageRequest(author, threads[i % THREADS] as PublicKey, `bench submission ${i}: ${'lorem ipsum '.repeat(8)}`),
  );

  const submittedAt = new Array<number>(TOTAL).fill(0);
  const acceptedAt = new Array<number>(TOTAL).fill(0);
  const recordedAt = new Map<string, number>();
  const confirmedAt = new Map<string, number>();
  const addressOf = new Array<string>(TOTAL).fill('');
  const indexOf = new Map<string, number>();
  let failures = 0;
  const baseTransactions = pipeline.stats.transactions;

  // Rows not yet confirmed, polled on a connection of their own (not the service's pool); each first sighting of
  // RECORDED (or beyond) and CONFIRMED (or beyond) is timed.
  const probe = new pg.Client({ connectionString: db.url });
  await probe.connect();
  let polling = true;
  // Rows changed since the last poll (a row's updated_at is its transaction's start, which may commit later: each
  // poll looks 2 s further back), not every open address each time: the poll must not load Postgres itself.
  let since = (await probe.query<{ now: Date }>('SELECT now() AS now')).rows[0]?.now as Date;
  const poller = (async () => {
    for (let poll = 1; polling; poll++) {
      const { rows: clock } = await probe.query<{ now: Date }>('SELECT now() AS now');
      // Now and then the open addresses themselves, so a change a stalled loop did not see in time is not missed.
      const { rows } =
        poll % 50 === 0
          ? await probe.query<{ address: string; status: string }>(
              'SELECT address, status FROM messages WHERE address = ANY ($1::text[])',
              [[...indexOf.keys()].filter((a) => !confirmedAt.has(a))],
            )
          : await probe.query<{ address: string; status: string }>(
              'SELECT address, status FROM messages WHERE updated_at >= $1',
              [new Date(since.getTime() - 2_000)],
            );
      since = (clock[0] as { now: Date }).now;
      const now = performance.now();
      for (const r of rows) {
        if (!indexOf.has(r.address) || confirmedAt.has(r.address)) continue;
        if (r.status === 'RECORDED' || r.status === 'CONFIRMED' || r.status === 'FINALIZED') {
          if (!recordedAt.has(r.address)) recordedAt.set(r.address, now);
        }
        if (r.status === 'CONFIRMED' || r.status === 'FINALIZED') confirmedAt.set(r.address, now);
      }
      await sleep(POLL_MS);
    }
  })();

  const backends = async () =>
    (await probe.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name])).rows.map(
      (r) => r.pid,
    );
  // BENCH_PROFILE=file.cpuprofile: a CPU profile of the timed window only (setup left out).
  const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const chainCpu = () => (devnet.pid === process.pid ? 0 : processCpuSeconds(devnet.pid));
  const cpuBefore = { own: ownThreadsCpuSeconds(), postgres: sumCpuSeconds(await backends()), chain: chainCpu() };
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let sent = 0; sent < TOTAL; ) {
    const due = Math.min(TOTAL, Math.floor(((performance.now() - started) / 1000) * RATE) + 1);
    for (; sent < due; sent++) {
      const i = sent;
      submittedAt[i] = performance.now();
      inflight.push(
        submissions.submitMessage(requests[i] as (typeof requests)[number], meta).then(
          (a) => {
            acceptedAt[i] = performance.now();
            addressOf[i] = a.address;
            indexOf.set(a.address, i);
          },
          () => {
            failures += 1;
          },
        ),
      );
    }
    await sleep(5);
  }
  await Promise.all(inflight);
  const offeredSeconds = (performance.now() - started) / 1000;
  await until('every submission confirmed', async () => confirmedAt.size === TOTAL - failures, 180_000);
  polling = false;
  await poller;
  const cpuAfter = { own: ownThreadsCpuSeconds(), postgres: sumCpuSeconds(await backends()), chain: chainCpu() };
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE as string, JSON.stringify(profile));
    profiler.disconnect();
  }
  await probe.end();

  const lastConfirmed = Math.max(...confirmedAt.values());
  const endToEndSeconds = (lastConfirmed - started) / 1000;
  const accept = acceptedAt.map((t, i) => t - (submittedAt[i] as number)).sort((a, b) => a - b);
  const lat = (m: Map<string, number>) =>
    [...m].map(([a, t]) => t - (submittedAt[indexOf.get(a) as number] as number)).sort((a, b) => a - b);
  const recorded = lat(recordedAt);
  const confirmed = lat(confirmedAt);
  const transactions = pipeline.stats.transactions - baseTransactions;
  const cpu = {
    main: cpuAfter.own && cpuBefore.own ? cpuAfter.own.main - cpuBefore.own.main : Number.NaN,
    others: cpuAfter.own && cpuBefore.own ? cpuAfter.own.others - cpuBefore.own.others : Number.NaN,
    postgres: (cpuAfter.postgres ?? Number.NaN) - (cpuBefore.postgres ?? Number.NaN),
    chain: (cpuAfter.chain ?? Number.NaN) - (cpuBefore.chain ?? Number.NaN),
  };
  const cpuMsPerSubmission = ((cpu.main + cpu.others + cpu.postgres + cpu.chain) * 1000) / TOTAL;
  const figures = {
    submissions: TOTAL,
    failures,
    offeredRate: RATE,
    acceptedPerSecond: round(TOTAL / offeredSeconds, 1),
    endToEndPerSecond: round(TOTAL / endToEndSeconds, 1),
    acceptMs: { p50: round(percentile(accept, 50), 1), p99: round(percentile(accept, 99), 1) },
    recordedMs: { p50: round(percentile(recorded, 50)), p99: round(percentile(recorded, 99)) },
    confirmedMs: { p50: round(percentile(confirmed, 50)), p99: round(percentile(confirmed, 99)) },
    transactions,
    transactionsSaved: TOTAL - transactions,
    submissionsPerTransaction: round(TOTAL / Math.max(1, transactions), 2),
    relayerRetries: relayer.stats.retries,
    vectorStore: Object.fromEntries(
      Object.entries(storeTime).map(([k, v]) => [k, { calls: v.calls, ms: round(v.ms), points: v.points }]),
    ),
    chainProcess: devnet.pid !== process.pid,
    cpuSeconds: {
      main: round(cpu.main, 1),
      others: round(cpu.others, 1),
      postgres: round(cpu.postgres, 1),
      chain: round(cpu.chain, 1),
    },
    cpuMsPerSubmission: round(cpuMsPerSubmission, 2),
    // What two idle cores could do at this CPU cost per submission (the process's main thread is the limit first).
    machineBoundPerSecond: round(Math.min(2_000 / cpuMsPerSubmission, (1_000 * TOTAL) / (cpu.main * 1000)), 0),
    loadAverage: loadavg().map((l) => round(l, 1)),
  };
  console.log(
    `accepted ${figures.acceptedPerSecond}/s (offered ${RATE}/s); all ${TOTAL} confirmed after ${round(endToEndSeconds, 1)} s: ${figures.endToEndPerSecond} submissions/s end to end`,
  );
  console.log(`submit → accepted  p50 ${figures.acceptMs.p50} ms  p99 ${figures.acceptMs.p99} ms`);
  console.log(`submit → RECORDED  p50 ${figures.recordedMs.p50} ms  p99 ${figures.recordedMs.p99} ms`);
  console.log(`submit → CONFIRMED p50 ${figures.confirmedMs.p50} ms  p99 ${figures.confirmedMs.p99} ms`);
  console.log(`vector store: ${JSON.stringify(figures.vectorStore)}`);
  console.log(
    `CPU during the run: main thread ${figures.cpuSeconds.main} s, other threads ${figures.cpuSeconds.others} s, Postgres ${figures.cpuSeconds.postgres} s, chain process ${figures.cpuSeconds.chain} s = ${figures.cpuMsPerSubmission} ms per submission → at most ~${figures.machineBoundPerSecond} submissions/s on two idle cores (load average ${figures.loadAverage.join(' ')})`,
  );
  console.log(
    `batching: ${transactions} transactions for ${TOTAL} submissions (${figures.submissionsPerTransaction} per transaction): ${figures.transactionsSaved} transactions saved`,
  );
  printResult('submit', figures, [
    {
      name: 'submissions per second (end to end, all confirmed)',
      target: '>= 200',
      value: figures.endToEndPerSecond,
      pass: figures.endToEndPerSecond >= 200 && failures === 0,
    },
    {
      name: 'submit → CONFIRMED p99 (ms)',
      target: '< 2000',
      value: figures.confirmedMs.p99,
      pass: figures.confirmedMs.p99 < 2_000,
    },
  ]);
} finally {
  await pipeline.close();
  await indexer.close();
  await store.close();
  await pool.end();
  await db.drop();
  await devnet.close();
  rmSync(vectorDir, { recursive: true, force: true });
}
