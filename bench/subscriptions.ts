// `npm run bench -- subscriptions`: graphql-ws subscriptions on one API process (bench/support/api-server.ts, its
// own process), loaded by forked client workers (bench/support/ws-subscribers.ts; the clients need more CPU than
// the server, and the machine has 2 cores, so the figures include the clients' queueing).
//   1. 10,000 subscriptions to one thread's events; one event committed to the log reaches all of them: fan-out
//      latency from COMMIT to each client's receipt (p50/p99 over BENCH_FANOUT_ROUNDS events), and the API
//      process's memory per subscription (RSS and V8 heap after GC, before vs. after subscribing).
//   2. The devnet and the indexer run here: a message recorded on chain (the devnet executed and committed its
//      transaction) reaches 1,000 subscribers as MessagePublished: chain commit → delivery p50/p99.
//      The devnet's clock is driven by hand there: t0 is the tick that produces the block holding the transaction.
// Goals (issue 13): fan-out p99 < 500 ms, < 10 KB per subscription, chain commit → 1,000 subscribers p99 < 50 ms.
// Last line: RESULT {json} with goals [{ name, target, value, pass }].
import { createHash, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Keypair, Transaction, type TransactionInstruction } from '@solana/web3.js';
import pg from 'pg';
import {
  createThreadInstruction,
  findMessageAddress,
  findThreadAddress,
  submitMessageInstruction,
} from '../programs/choir/client/index.js';
import { startDevnet } from '../src/devnet/index.js';
import { transferTransaction } from '../src/devnet/ledger/system-tx.js';
import { decodeTransaction } from '../src/devnet/ledger/wire.js';
import { appendEvents } from '../src/events/append-events.js';
import type { NewEvent } from '../src/events/types.js';
import { silentLogger } from '../src/observability/logger.js';
import { testSettings } from '../test/devnet/support.js';
import { launch } from '../test/indexer/harness.js';
import { createMigratedDatabase } from '../test/support/postgres.js';
import { describeGrowth, readApiMemory } from './support/api-memory.js';
import { startChild } from './support/child.js';
import { childCpuSeconds } from './support/cpu-time.js';
import { deliveries, startWorker, subscribeAll } from './support/ws-workers.js';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 10_000);
const CHAIN_SUBSCRIBERS = Number(process.env.BENCH_CHAIN_SUBSCRIBERS ?? 1_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const PER_CONNECTION = Number(process.env.BENCH_PER_CONNECTION ?? 100);
const FANOUT_ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 5);
const CHAIN_ROUNDS = Number(process.env.BENCH_CHAIN_ROUNDS ?? 20);
// How long the API process is left quiet before each memory reading (before and after the subscribe burst).
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 20_000);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : Number.NaN;
const round1 = (x: number) => Math.round(x * 10) / 10;

const db = await createMigratedDatabase();
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const devnet = await startDevnet(testSettings({ finalityDepth: 2 }), silentLogger, { inMemory: true });
// Each commit with the moment its oldest update reached the indexer: splits the indexer's hop into stream and write.
const commits: { arrivedAt: number; committedAt: number }[] = [];
const indexer = launch(
  devnet,
  { url: db.url, pool },
  { onCommit: (c) => commits.push({ arrivedAt: c.arrivedAt, committedAt: now() }) },
);
const clock = setInterval(() => devnet.tick(), 100);
const api = await startChild(
  process.execPath,
  // BENCH_API_NODE_ARGS: extra node flags for the API process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  [
    '--expose-gc',
    ...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    runTs,
    fileURLToPath(new URL('./support/api-server.ts', import.meta.url)),
  ],
  /LISTENING (\S+)/,
  { env: { DATABASE_URL: db.url, NODE_ENV: 'production' } },
);
let apiOutput = '';
api.child.stdout?.on('data', (c: Buffer) => {
  apiOutput += c.toString();
});
const apiMemory = () => readApiMemory(api.child, () => apiOutput);

const workers = await Promise.all(
  Array.from({ length: WORKERS }, () =>
    startWorker(runTs, fileURLToPath(new URL('./support/ws-subscribers.ts', import.meta.url))),
  ),
);
const wsUrl = (api.match[1] as string).replace(/^http/, 'ws');
const loadBefore = loadavg()[0] as number;

async function commitEvent(thread: string, n: number): Promise<{ sequence: string; t0: number }> {
  const event: NewEvent = {
    threadAddress: thread,
    type: 'Recovered',
    payload: { reason: 'bench', detail: `fan-out ${n}` },
  } as NewEvent;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const [appended] = await appendEvents(client, [event]);
    await client.query('COMMIT');
    return { sequence: String(appended?.sequence), t0: now() };
  } finally {
    client.release();
  }
}

try {
  // --- 1. fan-out to 10,000 subscriptions of one thread ---
  const fanThread = Keypair.generate().publicKey.toBase58();
  await commitEvent(fanThread, 0); // the marker each subscription replays first: proof its live listener is up
  // Read at rest, as after subscribing: V8 sizes its young generation to recent allocation and returns unused pages
  // only after a quiet while (its memory reducer), so a reading taken in a different state would count that.
  await sleep(SETTLE_MS);
  const memoryBefore = await apiMemory();
  const subscribedAt = Date.now();
  const subscribed = await subscribeAll(
    workers,
    wsUrl,
    SUBSCRIPTIONS,
    PER_CONNECTION,
    'subscription ($t: ID!) { threadEvents(threadAddress: $t) { sequence } }',
    { t: fanThread },
  );
  const subscribeMs = Date.now() - subscribedAt;
  // Let the subscribe burst's garbage go (V8's memory reducer returns freed pages to the OS after a quiet while),
  // so RSS shows what the subscriptions hold rather than the burst's high-water mark.
  await sleep(SETTLE_MS);
  const memoryAfter = await apiMemory();
  const rssPerSub = (memoryAfter.rss - memoryBefore.rss) / subscribed;
  const heapPerSub =
    (memoryAfter.heapUsed + memoryAfter.external - memoryBefore.heapUsed - memoryBefore.external) / subscribed;
  console.log(`  ${describeGrowth(memoryBefore, memoryAfter)}`);
  console.log(
    `${subscribed} subscriptions in ${subscribeMs} ms; API memory per subscription: RSS ${(rssPerSub / 1024).toFixed(2)} KB, ` +
      `heap+external ${(heapPerSub / 1024).toFixed(2)} KB (RSS ${(memoryBefore.rss / 2 ** 20).toFixed(0)} → ${(memoryAfter.rss / 2 ** 20).toFixed(0)} MB)`,
  );
  // One unmeasured event first: the forced GCs above let V8 flush the delivery path's bytecode, and a server
  // that has been delivering is warm.
  {
    const { sequence, t0 } = await commitEvent(fanThread, -1);
    await deliveries(workers, sequence, subscribed, t0);
  }
  const fanout: number[] = [];
  const fanoutServerCpu: number[] = [];
  let fanoutMissing = 0;
  for (let r = 1; r <= FANOUT_ROUNDS; r++) {
    await sleep(500);
    const cpuBefore = childCpuSeconds(api.child.pid);
    const { sequence, t0 } = await commitEvent(fanThread, r);
    const latencies = await deliveries(workers, sequence, subscribed, t0);
    const serverCpuMs = (childCpuSeconds(api.child.pid) - cpuBefore) * 1000;
    fanoutServerCpu.push(serverCpuMs);
    fanoutMissing += subscribed - latencies.length;
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `fan-out ${r}: ${latencies.length}/${subscribed} delivered, p50 ${quantile(sorted, 0.5).toFixed(1)} ms, ` +
        `p99 ${quantile(sorted, 0.99).toFixed(1)} ms, last ${(sorted[sorted.length - 1] ?? Number.NaN).toFixed(1)} ms; ` +
        `API process CPU ${serverCpuMs.toFixed(0)} ms`,
    );
    fanout.push(...latencies);
  }
  await Promise.all(workers.map((w) => w.call({ cmd: 'close' })));

  // --- 2. chain commit → delivery to 1,000 subscribers ---
  const payer = Keypair.generate();
  const blockhash = () => devnet.ledger.chain.latestBlockhash('processed').blockhash;
  devnet.ledger.send(
    decodeTransaction(transferTransaction(devnet.ledger.faucet, payer.publicKey.toBase58(), 10n ** 12n, blockhash())),
  );
  const send = (ix: TransactionInstruction) => {
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash() }).add(ix);
    tx.sign(payer);
    const out = devnet.ledger.send(decodeTransaction(tx.serialize()));
    if (!out.landed || out.record.err !== null) throw new Error('transaction failed');
  };
  const threadId = randomBytes(32);
  send(
    createThreadInstruction({
      payer: payer.publicKey,
      creator: payer.publicKey,
      threadId,
      coAuthors: [payer.publicKey],
      minStake: 0n,
    }),
  );
  const chainThread = findThreadAddress(threadId)[0];
  for (;;) {
    const { rows } = await pool.query('SELECT 1 FROM events WHERE thread_address = $1', [chainThread.toBase58()]);
    if (rows.length) break;
    await sleep(50);
  }
  clearInterval(clock);
  const chainSubscribed = await subscribeAll(
    workers,
    wsUrl,
    CHAIN_SUBSCRIBERS,
    Math.min(PER_CONNECTION, 25),
    `subscription ($t: ID!) { threadEvents(threadAddress: $t) { sequence ... on MessagePublished { messageAddress } } }`,
    { t: chainThread.toBase58() },
  );
  // Where the time goes: a LISTEN of our own sees each commit's NOTIFY (chain → Postgres), the rest is the API.
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  const notified: { sequence: bigint; at: number }[] = [];
  listener.on('notification', (n) => notified.push({ sequence: BigInt(n.payload ?? '0'), at: now() }));
  await listener.query('LISTEN choir_events');
  const chain: number[] = [];
  const toPostgres: number[] = [];
  const toIndexer: number[] = [];
  const indexerWrite: number[] = [];
  const fromPostgres: number[] = [];
  let chainMissing = 0;
  for (let r = 1; r <= CHAIN_ROUNDS; r++) {
    await sleep(150);
    const text = `bench message ${r} ${randomBytes(4).toString('hex')}`;
    const contentHash = createHash('sha256').update(text).digest();
    const message = findMessageAddress(chainThread, contentHash)[0].toBase58();
    send(
      submitMessageInstruction({ payer: payer.publicKey, author: payer.publicKey, thread: chainThread, contentHash }),
    );
    // The chain commits the transaction when its slot's block is produced (the slot is then processed): the devnet
    // clock is stopped for this phase and ticked here, so t0 is that moment, not a wait for the next slot.
    devnet.tick();
    const t0 = now();
    const latencies = await deliveries(workers, message, chainSubscribed, t0);
    chainMissing += chainSubscribed - latencies.length;
    chain.push(...latencies);
    const { rows } = await pool.query(
      `SELECT sequence FROM events WHERE type = 'MessagePublished' AND payload->>'messageAddress' = $1`,
      [message],
    );
    const sequence = BigInt(rows[0]?.sequence ?? -1);
    const written = commits.find((c) => c.committedAt >= t0);
    if (written) {
      toIndexer.push(written.arrivedAt - t0);
      indexerWrite.push(written.committedAt - written.arrivedAt);
    }
    const commit = notified.find((n) => n.sequence >= sequence);
    if (commit) {
      toPostgres.push(commit.at - t0);
      for (const l of latencies) fromPostgres.push(l - (commit.at - t0));
    }
    // One line per round: a p99 over all rounds is decided by its slowest one or two, and this shows which hop.
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (x: number | undefined) => (x === undefined ? '?' : x.toFixed(1));
    console.log(
      `  round ${r}: p50 ${at(quantile(sorted, 0.5))} p99 ${at(quantile(sorted, 0.99))} max ${at(sorted.at(-1))} ms; ` +
        `indexer received +${at(written && written.arrivedAt - t0)} committed +${at(written && written.committedAt - t0)} ` +
        `NOTIFY seen +${at(commit && commit.at - t0)} ms`,
    );
  }
  await listener.end();
  const p = (xs: number[], q: number) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      q,
    );
  console.log(
    `  of which chain → Postgres commit (the indexer): p50 ${p(toPostgres, 0.5).toFixed(1)} ms, p99 ${p(toPostgres, 0.99).toFixed(1)} ms; ` +
      `Postgres commit → delivery (the API): p50 ${p(fromPostgres, 0.5).toFixed(1)} ms, p99 ${p(fromPostgres, 0.99).toFixed(1)} ms`,
  );
  console.log(
    `    the indexer's hop: block → first update received (devnet Geyser + gRPC client) p50 ${p(toIndexer, 0.5).toFixed(1)} ms, ` +
      `p99 ${p(toIndexer, 0.99).toFixed(1)} ms; received → batch committed p50 ${p(indexerWrite, 0.5).toFixed(1)} ms, ` +
      `p99 ${p(indexerWrite, 0.99).toFixed(1)} ms`,
  );
  const chainSorted = [...chain].sort((a, b) => a - b);
  console.log(
    `chain commit → ${chainSubscribed} subscribers, ${CHAIN_ROUNDS} messages: p50 ${quantile(chainSorted, 0.5).toFixed(1)} ms, ` +
      `p99 ${quantile(chainSorted, 0.99).toFixed(1)} ms, missing ${chainMissing}`,
  );
  await Promise.all(workers.map((w) => w.call({ cmd: 'close' })));

  const fanSorted = [...fanout].sort((a, b) => a - b);
  const loadAfter = loadavg()[0] as number;
  const figures = {
    subscriptions: subscribed,
    subscribeMs,
    fanout: {
      rounds: FANOUT_ROUNDS,
      p50Ms: round1(quantile(fanSorted, 0.5)),
      p99Ms: round1(quantile(fanSorted, 0.99)),
      maxMs: round1(fanSorted[fanSorted.length - 1] ?? Number.NaN),
      missing: fanoutMissing,
      // The API process's own CPU per fan-out (the rest of the latency is the clients and the shared machine).
      apiCpuMsMedian: round1([...fanoutServerCpu].sort((a, b) => a - b)[Math.floor(fanoutServerCpu.length / 2)] ?? 0),
    },
    memoryPerSubscription: { rssBytes: Math.round(rssPerSub), heapBytes: Math.round(heapPerSub) },
    chainToDelivery: {
      subscribers: chainSubscribed,
      messages: CHAIN_ROUNDS,
      p50Ms: round1(quantile(chainSorted, 0.5)),
      p99Ms: round1(quantile(chainSorted, 0.99)),
      missing: chainMissing,
      chainToPostgres: { p50Ms: round1(p(toPostgres, 0.5)), p99Ms: round1(p(toPostgres, 0.99)) },
      blockToIndexer: { p50Ms: round1(p(toIndexer, 0.5)), p99Ms: round1(p(toIndexer, 0.99)) },
      indexerReceivedToCommit: { p50Ms: round1(p(indexerWrite, 0.5)), p99Ms: round1(p(indexerWrite, 0.99)) },
      postgresToDelivery: { p50Ms: round1(p(fromPostgres, 0.5)), p99Ms: round1(p(fromPostgres, 0.99)) },
    },
    loadAverage: { before: loadBefore, after: loadAfter },
  };
  console.log(
    `load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (2 cores; clients and server share them)`,
  );
  console.log(
    `RESULT ${JSON.stringify({
      bench: 'subscriptions',
      ...figures,
      goals: [
        {
          name: `fan-out of one event to ${subscribed} subscriptions, p99 (ms)`,
          target: '< 500',
          value: figures.fanout.p99Ms,
          pass: figures.fanout.p99Ms < 500 && fanoutMissing === 0,
        },
        {
          name: 'API memory per subscription, RSS delta (KB)',
          target: '< 10',
          value: round1(rssPerSub / 1024),
          pass: rssPerSub < 10 * 1024,
        },
        {
          name: `chain commit → delivery to ${chainSubscribed} subscribers, p99 (ms)`,
          target: '< 50',
          value: figures.chainToDelivery.p99Ms,
          pass: figures.chainToDelivery.p99Ms < 50 && chainMissing === 0,
        },
      ],
    })}`,
  );
} finally {
  clearInterval(clock);
  for (const w of workers) w.child.kill();
  await api.stop();
  await indexer.close();
  await devnet.close();
  await pool.end();
  await db.drop();
}
