// `npm run bench -- indexer-ingest [updates]`: the indexer's end-to-end ingest rate, as a ratio to the official
// Yellowstone client's own ceiling measured first in the same run. Real Choir transactions
// (submit_message: two program account updates each — the thread and the new message) run on the devnet first;
// then an indexer with an empty cursor subscribes with from_slot and streams the backlog through the devnet's
// Geyser server and the official client into real Postgres (decode, enrich, batch, set-based writes, events,
// cursor). Reports updates/s end to end, the batch commit latency p99, and the resume time after a kill (an
// indexer abandoned mid-stream without cleanup; a new one starts from the committed cursor: time from start to
// its first committed batch). Readable lines first; the LAST line is `RESULT {json}`.
import { loadavg } from 'node:os';
import pg from 'pg';
import { startIndexer } from '../indexer/indexer.js';
import { createCursor } from '../indexer/write/cursor.js';
import { CHOIR_PROGRAM_ID } from '../programs/choir/client/index.js';
import { readSection } from '../src/config/section.js';
import { indexerSection } from '../src/config/sections/indexer.js';
import { silentLogger } from '../src/observability/logger.js';
import { createMigratedDatabase } from '../test/support/postgres.js';
import { ownThreadsCpuSeconds, processCpuSeconds, sumCpuSeconds } from './support/cpu-time.js';
import { indexerAlone, within } from './support/indexer-alone.js';
import { spawnChain } from './support/ingest-chain.js';
import { measureClientCeiling } from './support/yellowstone-client.js';

const UPDATES = Number(process.argv[2] ?? 200_000);
// The official client's own ceiling on this machine (issue 7: 16,000–20,000 updates/s whatever the server) bounds
// any indexer fed by it, so the throughput goal is a ratio to that ceiling, measured in the same run.
const GOALS = { ceilingRatio: 0.8, commitP99Ms: 500, resumeSeconds: 1 };
const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** CPU seconds used during the ingest by the indexer's threads, the chain process and this database's backends. */
async function cpuSeconds(
  pool: pg.Pool,
  database: string,
  chainPid: number,
  chainBefore: number | null,
  ownBefore: ReturnType<typeof ownThreadsCpuSeconds>,
) {
  const own = ownThreadsCpuSeconds();
  const chain = processCpuSeconds(chainPid);
  // Every backend of the bench's own database started with this run; those the pool closed early are missed.
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return {
    indexerMainS: own && ownBefore ? own.main - ownBefore.main : null,
    indexerOtherS: own && ownBefore ? own.others - ownBefore.others : null,
    chainS: chain !== null && chainBefore !== null ? chain - chainBefore : null,
    postgresS: sumCpuSeconds(rows.map((r) => r.pid)),
  };
}

async function main() {
  // The ceiling first, alone on the machine: the official client against a server that only writes pre-encoded
  // updates (bench/support/yellowstone-client.ts), the same number of updates as the indexer run.
  const ceiling = await measureClientCeiling(UPDATES);
  console.log(`official client ceiling (trivial pre-encoded server, own process): ${Math.round(ceiling)} updates/s`);
  const chain = spawnChain(UPDATES);
  const db = await createMigratedDatabase();
  // Idle connections stay open so every backend's CPU time can be read at the end.
  const pool = new pg.Pool({ connectionString: db.url, max: 6, idleTimeoutMillis: 0 });
  try {
    const info = await chain.ready;
    const total = info.updates;
    // The open slot has no updates; the cursor reaches the slot before the last closed one.
    const target = BigInt(info.openSlot) - 2n;
    console.log(
      `chain process: ${total} program account updates in ${info.seconds.toFixed(1)} s (open slot ${info.openSlot})`,
    );

    await createCursor(pool, 'choir', 0n, { genesisHash: info.genesisHash, programId: CHOIR_PROGRAM_ID.toBase58() });
    const settings = readSection(indexerSection, {
      GEYSER_URL: info.geyserUrl,
      SOLANA_RPC_URL: info.rpcUrl,
      INDEXER_BATCH_MAX: process.env.INDEXER_BATCH_MAX ?? '20000',
      INDEXER_BATCH_MS: process.env.INDEXER_BATCH_MS ?? '20',
    });
    const commits: number[] = [];
    let caughtUp: () => void = () => {};
    const done = new Promise<void>((r) => {
      caughtUp = r;
    });
    const loadBefore = loadavg()[0] as number;
    const ownCpuBefore = ownThreadsCpuSeconds();
    const chainCpuBefore = processCpuSeconds(chain.pid);
    const started = performance.now();
    const indexer = startIndexer({
      db: { url: db.url, pool },
      settings,
      logger: silentLogger,
      onCommit: ({ seconds, cursor, applied }) => {
        commits.push(seconds);
        if (process.env.BENCH_TRACE) {
          console.log(
            `t=${((performance.now() - started) / 1000).toFixed(2)} batch=${applied} commit=${(seconds * 1000).toFixed(0)}ms`,
          );
        }
        if (cursor !== null && cursor >= target) caughtUp();
      },
    });
    // A run that stops making progress says where it stands instead of hanging (two runs of nine hung here once,
    // undiagnosed: cursor at the target, the first indexer still leading).
    let lastProgress = performance.now();
    let lastCursor: string | null = null;
    const watchdog = setInterval(() => {
      const s = indexer.status();
      if (s.cursorSlot !== lastCursor) {
        lastCursor = s.cursorSlot;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > 60_000) {
        console.error(`no progress for 60 s; waiting for cursor ≥ ${target}; indexer status: ${JSON.stringify(s)}`);
        process.exit(1);
      }
    }, 1_000);
    await done;
    clearInterval(watchdog);
    const seconds = (performance.now() - started) / 1000;
    const loadAfter = loadavg()[0] as number;
    const cpu = await cpuSeconds(pool, db.name, chain.pid, chainCpuBefore, ownCpuBefore);
    // The running indexer's own per-stage figures (choir_indexer_stage_seconds on its registry).
    const t = indexer.timings();
    const stages = {
      decodeS: t.decode,
      writerWaitS: t.writer_wait,
      loadS: t.load,
      applyS: t.apply,
      statusS: t.status,
      writeS: t.rows + t.undo + t.events + t.outbox + t.cursor,
      commitS: t.commit,
      rowsS: t.rows,
      undoS: t.undo,
      eventsS: t.events,
      outboxS: t.outbox,
    };
    const applied = indexer.status().updatesApplied;
    const { rows } = await pool.query(
      `SELECT (SELECT count(*)::int FROM messages) AS m, (SELECT count(*)::int FROM threads) AS t,
              (SELECT count(*)::int FROM events) AS e,
              (SELECT count(*)::int FROM events WHERE type IN ('ThreadCreated', 'MessagePublished')) AS created`,
    );
    // The final database against the chain: every thread and message account, one creation event each.
    const expected = { messages: info.messages, threads: info.threads, creationEvents: info.messages + info.threads };
    const matchesChain =
      rows[0].m === expected.messages && rows[0].t === expected.threads && rows[0].created === expected.creationEvents;
    console.log(
      `database vs chain: ${rows[0].t}/${expected.threads} threads, ${rows[0].m}/${expected.messages} messages, ${rows[0].created}/${expected.creationEvents} creation events: ${matchesChain ? 'match' : 'MISMATCH'}`,
    );
    const rate = total / seconds;
    const ratio = rate / ceiling;
    const sorted = [...commits].sort((a, b) => a - b);
    const p99 = p(sorted, 0.99);
    console.log(
      `ingested ${total} account updates (${applied} stream updates incl. transactions and slots) in ${seconds.toFixed(2)} s: ${Math.round(rate)} updates/s = ${ratio.toFixed(2)} × the client's ceiling ${Math.round(ceiling)}/s (goal ratio ≥ ${GOALS.ceilingRatio})`,
    );
    console.log(
      `rows: ${rows[0].m} messages, ${rows[0].e} events; ${commits.length} batches, commit p50 ${(p(sorted, 0.5) * 1000).toFixed(1)} ms, p99 ${(p99 * 1000).toFixed(1)} ms`,
    );
    console.log(
      `where the time went (s, of ${seconds.toFixed(1)} wall): stream decode+enrich ${stages.decodeS.toFixed(1)} (gRPC client protobuf decoding not included), writer waiting for updates ${stages.writerWaitS.toFixed(1)}; writer: load rows ${stages.loadS.toFixed(1)}, apply ${stages.applyS.toFixed(1)}, slot statuses ${stages.statusS.toFixed(1)}, write ${stages.writeS.toFixed(1)} (threads+messages ${stages.rowsS.toFixed(1)}, votes+undo ${stages.undoS.toFixed(1)}, events ${stages.eventsS.toFixed(1)}, outbox ${stages.outboxS.toFixed(1)}), COMMIT ${stages.commitS.toFixed(1)}`,
    );
    console.log(
      `load average (1 min, 2 cores, shared): ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end`,
    );
    const show = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
    console.log(
      `CPU (s, of ${(2 * seconds).toFixed(1)} on 2 cores): indexer main thread ${show(cpu.indexerMainS)}, indexer other threads (gRPC transport, GC) ${show(cpu.indexerOtherS)}, chain process ${show(cpu.chainS)}, Postgres backends ${show(cpu.postgresS)}`,
    );

    // What this machine can do at all: the CPU one ingested update costs across the processes that ingest it (the
    // indexer's threads — official client included — and Postgres; the chain process is the workload, not the
    // ingest), spread over both cores with perfect overlap. A goal above this bound is above the machine.
    const ingestCpu = (cpu.indexerMainS ?? 0) + (cpu.indexerOtherS ?? 0) + (cpu.postgresS ?? 0);
    const machineBound = ingestCpu > 0 ? (2 * total) / ingestCpu : null;
    if (machineBound !== null) {
      console.log(
        `machine bound: ${((ingestCpu / total) * 1e6).toFixed(0)} CPU-µs per update (indexer + client + Postgres) → at most ${Math.round(machineBound)} updates/s on 2 cores = ${(machineBound / ceiling).toFixed(2)} × the client ceiling; measured ${Math.round(rate)}/s is ${((rate / machineBound) * 100).toFixed(0)}% of that bound`,
      );
    }

    // Kill: the running indexer's leader connection is terminated and the indexer abandoned (its in-memory queue
    // and stream are lost; Postgres keeps the last committed batch and cursor). While it is down the chain moves
    // on; a new indexer starts from the committed cursor. Resume = its start → its first committed batch.
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'choir-indexer-leader' AND datname = $1`,
      [db.name],
    );
    await within(
      indexer.close().catch(() => {}),
      30_000,
      () => 'closing the killed indexer',
    );
    await within(chain.more(20_000), 300_000, () => 'generating 20,000 more updates');
    const resumeStart = performance.now();
    let resumed: () => void = () => {};
    const firstCommit = new Promise<void>((r) => {
      resumed = r;
    });
    const second = startIndexer({
      db: { url: db.url, pool },
      settings,
      logger: silentLogger,
      onCommit: () => resumed(),
    });
    await within(
      firstCommit,
      60_000,
      () => `the resumed indexer's first commit (status ${JSON.stringify(second.status())})`,
    );
    const resumeSeconds = (performance.now() - resumeStart) / 1000;
    console.log(
      `resume after a kill: first batch committed ${(resumeSeconds * 1000).toFixed(0)} ms after start (goal < ${GOALS.resumeSeconds * 1000} ms)`,
    );
    await second.close();

    // The indexer alone: the same stream (captured raw from the devnet through the official client), replayed from
    // memory into a fresh database, so neither the client nor the gRPC transport take CPU. If this rate is under the
    // client's ceiling, the indexer is the bottleneck; if over, the client is.
    const alone = await indexerAlone(info, target, settings);
    console.log(
      `indexer alone (memory source, same ${alone.updates} raw updates): ${alone.seconds.toFixed(2)} s = ${Math.round(alone.rate)} updates/s = ${(alone.rate / ceiling).toFixed(2)} × the client ceiling`,
    );

    const result = {
      indexerAloneUpdatesPerSecond: Math.round(alone.rate),
      indexerAloneCeilingRatio: Number((alone.rate / ceiling).toFixed(3)),
      updates: total,
      seconds: Number(seconds.toFixed(3)),
      updatesPerSecond: Math.round(rate),
      clientCeilingUpdatesPerSecond: Math.round(ceiling),
      ceilingRatio: Number(ratio.toFixed(3)),
      machineBoundUpdatesPerSecond: machineBound === null ? null : Math.round(machineBound),
      machineBoundRatio: machineBound === null ? null : Number((machineBound / ceiling).toFixed(3)),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      database: { messages: rows[0].m, threads: rows[0].t, events: rows[0].e, matchesChain },
      batchCommitP50Ms: Number((p(sorted, 0.5) * 1000).toFixed(1)),
      batchCommitP99Ms: Number((p99 * 1000).toFixed(1)),
      batchMax: Number(settings.batchMax),
      batchTargetMs: Number(settings.batchTargetMs),
      stagesSeconds: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Number(v.toFixed(2))])),
      loadAverage: { start: Number(loadBefore.toFixed(2)), end: Number(loadAfter.toFixed(2)) },
      cpuSeconds: Object.fromEntries(
        Object.entries(cpu).map(([k, v]) => [k, v === null ? null : Number(v.toFixed(2))]),
      ),
      batches: commits.length,
      resumeMs: Math.round(resumeSeconds * 1000),
      goals: [
        {
          name: 'indexer ÷ client ceiling',
          target: `>= ${GOALS.ceilingRatio}`,
          value: Number(ratio.toFixed(3)),
          pass: ratio >= GOALS.ceilingRatio,
        },
        {
          name: 'batch commit p99 (ms)',
          target: `< ${GOALS.commitP99Ms}`,
          value: Number((p99 * 1000).toFixed(1)),
          pass: p99 * 1000 < GOALS.commitP99Ms,
        },
        {
          name: 'resume after kill -9 (ms)',
          target: `< ${GOALS.resumeSeconds * 1000}`,
          value: Math.round(resumeSeconds * 1000),
          pass: resumeSeconds < GOALS.resumeSeconds,
        },
        { name: 'database matches the chain', target: 'true', value: matchesChain, pass: matchesChain },
      ],
    };
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await pool.end();
    await db.drop();
    await chain.close();
  }
}

await main();
process.exit(0);
