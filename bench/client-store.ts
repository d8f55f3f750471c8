// `npm run bench -- client-store`: the client SDK's thread store (src/client/store).
// 1. Apply rate: synthetic thread events (submissions, publications, commitments, votes on specs) fed to a
//    ThreadStore in-process, as fast as it takes them: events/s (goal ≥ 50,000/s).
// 2. UI update latency on loopback: the API in its own process on a test database (Postgres at 127.0.0.1:5432),
//    a ChoirClient watching a thread over graphql-ws; each event is committed in its own transaction, and the time
//    from COMMIT returning to the store's listener seeing it is recorded: p50/p99 (goal p99 < 50 ms, the design's
//    ui_update_speed). Last line: RESULT {json}.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Keypair } from '@solana/web3.js';
import pg from 'pg';
import { createNodeChoirClient } from '../src/client/node.js';
import type { EventStreamHandlers, ThreadSource } from '../src/client/store/source.js';
import { ThreadStore } from '../src/client/store/thread-store.js';
import type { ServerMessage, ThreadEvent } from '../src/client/store/types.js';
import { appendEvents } from '../src/events/index.js';
import { createMigratedDatabase } from '../test/support/postgres.js';
import { startChild } from './support/child.js';

const APPLY_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 400);
const LATENCY_INTERVAL_MS = Number(process.env.BENCH_LATENCY_INTERVAL_MS ?? 20);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

// ── 1. Apply rate ──────────────────────────────────────────────────────────────────────────────────────────────

function syntheticEvents(n: number): ThreadEvent[] {
  const events: ThreadEvent[] = [];
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i).toISOString();
  const push = (body: Record<string, unknown>) => {
    const seq = events.length + 1;
    events.push({
      cursor: `c:${seq}`,
      sequence: String(seq),
      threadSequence: String(seq),
      threadAddress: 'T',
      slot: null,
      createdAt: at(seq),
      ...body,
    } as unknown as ThreadEvent);
  };
  push({
    __typename: 'ThreadCreated',
    threadId: 'ab'.repeat(32),
    creator: 'c',
    coAuthors: ['c', 'd'],
    minStake: '0',
    specLifetime: '0',
  });
  let m = 0;
  while (events.length < n) {
    const batch: string[] = [];
    for (let k = 0; k < 10 && events.length < n; k++, m++) {
      const address = `m${m}`;
      const spec = m % 5 === 0;
      batch.push(address);
      push({ __typename: 'MessageSubmitted', messageAddress: address, contentHash: `h${m}`, submittedBy: 'c' });
      push(
        spec
          ? {
              __typename: 'SpecSubmitted',
              messageAddress: address,
              contentHash: `h${m}`,
              author: 'e',
              stake: '1',
              expiresAt: null,
              index: m,
            }
          : { __typename: 'MessagePublished', messageAddress: address, contentHash: `h${m}`, author: 'c', index: m },
      );
      if (spec) push({ __typename: 'VoteCast', messageAddress: address, voter: 'c', approve: true });
    }
    push({ __typename: 'CommitmentChanged', commitment: 'CONFIRMED', messageAddresses: batch, threadChanged: false });
  }
  return events.slice(0, n);
}

async function applyRate() {
  const events = syntheticEvents(APPLY_EVENTS);
  let handlers: EventStreamHandlers | undefined;
  // Reads answer at once: the figure is the store's own cost (the reads it queues run after the timed loop).
  const source: ThreadSource = {
    eventCount: async () => 0,
    snapshot: async () => null,
    header: async () => null,
    message: async (): Promise<ServerMessage | null> => null,
    events: (_t, _after, h) => {
      handlers = h;
      return () => {};
    },
  };
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const store = new ThreadStore('T', source, { verifyIntervalMs: 0 }).start();
    await new Promise((r) => setTimeout(r, 10)); // the initial (empty) snapshot
    const started = performance.now();
    for (const e of events) handlers?.next(e);
    const view = store.getSnapshot();
    const ms = performance.now() - started;
    if (view.threadSequence !== events.length) throw new Error(`applied ${view.threadSequence} of ${events.length}`);
    runs.push(events.length / (ms / 1000));
    store.close();
  }
  // The median of three runs: the first pays for JIT warm-up.
  const median = [...runs].sort((a, b) => a - b)[1] as number;
  return { eventsPerSecond: Math.round(median), runs: runs.map(Math.round), events: events.length };
}

// ── 2. Latency: committed → store updated ──────────────────────────────────────────────────────────────────────

async function latency() {
  const db = await createMigratedDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const api = await startChild(
    process.execPath,
    [
      fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)),
      fileURLToPath(new URL('./support/api-server.ts', import.meta.url)),
    ],
    /LISTENING (\S+)/,
    { env: { DATABASE_URL: db.url, NODE_ENV: 'production' } },
  );
  const url = api.match[1] as string;
  const client = createNodeChoirClient({ url, store: { verifyIntervalMs: 0 } });
  const thread = Keypair.generate().publicKey.toBase58();
  const store = client.watchThread(thread);
  try {
    await store.waitFor((v) => v.phase !== 'loading', 30_000);
    const committedAt = new Map<number, number>();
    // An event can reach the store before this process has handled COMMIT's answer: then it is timed from when
    // COMMIT was sent (an upper bound).
    const sentAt: number[] = [];
    const samples: number[] = [];
    let seen = 0;
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    store.subscribe(() => {
      const n = store.getSnapshot().threadSequence;
      const now = performance.now();
      for (let i = seen + 1; i <= n; i++) {
        const t = committedAt.get(i) ?? sentAt[i];
        if (t !== undefined) samples.push(now - t);
      }
      seen = Math.max(seen, n);
      if (seen >= LATENCY_EVENTS + 1) done();
    });
    const append = async (type: 'ThreadCreated' | 'MessageSubmitted', payload: Record<string, unknown>) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const [e] = await appendEvents(c, [{ threadAddress: thread, type, payload }]);
        await c.query('COMMIT');
        return Number(e?.threadSequence);
      } finally {
        c.release();
      }
    };
    await append('ThreadCreated', {
      threadId: 'ab'.repeat(32),
      creator: thread,
      coAuthors: [thread],
      minStake: '0',
      specLifetime: '0',
    });
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const address = Keypair.generate().publicKey.toBase58();
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const [e] = await appendEvents(c, [
          {
            threadAddress: thread,
            type: 'MessageSubmitted',
            payload: { messageAddress: address, contentHash: 'cd'.repeat(32), author: thread },
          },
        ]);
        sentAt[Number(e?.threadSequence)] = performance.now();
        await c.query('COMMIT');
        committedAt.set(Number(e?.threadSequence), performance.now());
      } finally {
        c.release();
      }
      await new Promise((r) => setTimeout(r, LATENCY_INTERVAL_MS));
    }
    await Promise.race([finished, new Promise((r) => setTimeout(r, 30_000))]);
    const sorted = samples.sort((a, b) => a - b);
    return {
      events: sorted.length,
      p50Ms: Number(percentile(sorted, 50).toFixed(2)),
      p99Ms: Number(percentile(sorted, 99).toFixed(2)),
      maxMs: Number((sorted.at(-1) ?? Number.NaN).toFixed(2)),
    };
  } finally {
    await client.close();
    await api.stop();
    await pool.end();
    await db.drop();
  }
}

const apply = await applyRate();
console.log(
  `apply: ${apply.eventsPerSecond.toLocaleString()} events/s (runs ${apply.runs.join(', ')}; ${apply.events} events)`,
);
const lat = await latency();
console.log(
  `committed → store updated over loopback: p50 ${lat.p50Ms} ms, p99 ${lat.p99Ms} ms, max ${lat.maxMs} ms (${lat.events} events)`,
);
const goals = [
  {
    name: 'store apply rate (events/s)',
    target: '>= 50000',
    value: apply.eventsPerSecond,
    pass: apply.eventsPerSecond >= 50_000,
  },
  { name: 'event committed → store updated p99 (ms)', target: '< 50', value: lat.p99Ms, pass: lat.p99Ms < 50 },
];
console.log(`RESULT ${JSON.stringify({ apply, latency: lat, goals })}`);
