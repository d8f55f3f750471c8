// `npm run bench -- graphql-read`: a thread page (thread + co-authors + 20 latest messages with votes) served by
// choir's API and by PostGraphile v4 (bench/peers/postgraphile, its own package.json: it needs graphql 15) on the
// same seeded database in the same run, each in its own process, loaded by autocannon at the same concurrency.
// Goal: choir's req/s ≥ PostGraphile's (ratio ≥ 1.0). The machine is shared and its load drifts, so the two are
// measured in alternating rounds (BENCH_ROUNDS, each BENCH_SECONDS long, the order swapped every round); the
// ratio is taken per round and reported as median with its spread, beside the load average. Last line:
// RESULT {json}.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execute, parse } from 'graphql';
import pg from 'pg';
import type { ApiServices } from '../src/api/graphql/context.js';
import { buildContext } from '../src/api/graphql/request-context.js';
import { buildApiSchema } from '../src/api/graphql/schema.js';
import { readSection } from '../src/config/section.js';
import { apiSection } from '../src/config/sections/api.js';
import { HealthRegistry } from '../src/observability/health.js';
import { silentLogger } from '../src/observability/logger.js';
import { seedThreads } from '../test/api/seed.js';
import { createMigratedDatabase } from '../test/support/postgres.js';
import { startChild } from './support/child.js';
import { childCpuSeconds, parentPid, processTreeCpuSeconds } from './support/cpu-time.js';

const peerDir = fileURLToPath(new URL('./peers/postgraphile/', import.meta.url));
if (!existsSync(`${peerDir}node_modules/postgraphile`)) {
  console.error('install the peer first: (cd bench/peers/postgraphile && npm install)');
  process.exit(2);
}
const peerRequire = createRequire(`${peerDir}package.json`);
const autocannon = peerRequire('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

const CHOIR_QUERY = `query ($address: ID!) { thread(address: $address) {
  address threadId creator title messageCount balance coAuthors
  messages(first: 20) { nodes { address hash author content status kind approvals denials createdAt votes { voter approve } } } } }`;
const PEER_QUERY = `query ($address: String!) { threadByAddress(address: $address) {
  address threadId creator title messageCount lamports
  threadCoAuthorsByThreadAddress(orderBy: POSITION_ASC) { nodes { pubkey } }
  messagesByThreadAddress(first: 20, orderBy: [CREATED_AT_DESC, ADDRESS_DESC]) { nodes {
    address contentHash author content status kind approvals denials createdAt
    votesByMessageAddress { nodes { voter approve } } } } } }`;

async function load(url: string, query: string, addresses: string[], warm: boolean): Promise<AutocannonResult> {
  let i = 0;
  const options = {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: JSON.stringify({ query, variables: { address: addresses[i++ % addresses.length] } }),
        }),
      },
    ],
  };
  if (warm) await autocannon({ ...options, duration: 3 }); // warm-up: JIT, plan caches, pool connections
  return autocannon({ ...options, duration: SECONDS });
}

/**
 * CPU seconds Postgres has used (the postmaster and every backend, ended ones included). One server is loaded at a
 * time and nothing else uses this Postgres, so the difference over a run is what that server's statements cost
 * Postgres: the other half of the machine's work per request. NaN when Postgres runs on another host.
 */
async function postgresCpuSeconds(): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = parentPid(rows[0]?.pid as number);
  return (postmaster === null ? null : processTreeCpuSeconds(postmaster)) ?? Number.NaN;
}

/** A load run and the CPU its server, and Postgres for it, spent per request. */
async function measured(url: string, query: string, addresses: string[], warm: boolean, pid: number | undefined) {
  if (warm) await load(url, query, addresses, true).catch(() => undefined);
  const before = childCpuSeconds(pid);
  const postgresBefore = await postgresCpuSeconds();
  const result = await load(url, query, addresses, false);
  const requests = Math.max(1, result.requests.average * SECONDS);
  const cpuMsPerRequest = ((childCpuSeconds(pid) - before) * 1000) / requests;
  const postgresCpuMsPerRequest = (((await postgresCpuSeconds()) - postgresBefore) * 1000) / requests;
  return Object.assign(result, { cpuMsPerRequest, postgresCpuMsPerRequest });
}

/**
 * The thread page through graphql-js `execute` on choir's schema in this process, 10 at a time, without HTTP:
 * what the resolvers and SQL cost alone (the stack's ceiling), to set against the served figures.
 */
async function bareExecution(pool: pg.Pool, addresses: string[]) {
  const schema = await buildApiSchema();
  const services: ApiServices = {
    health: new HealthRegistry(500),
    logger: silentLogger,
    settings: readSection(apiSection, {}),
    db: pool,
  };
  const document = parse(CHOIR_QUERY);
  let i = 0;
  const one = async () => {
    const result = await execute({
      schema,
      document,
      variableValues: { address: addresses[i++ % addresses.length] },
      contextValue: buildContext(services, null),
    });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
  };
  const run = async (n: number) => {
    let left = n;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (left-- > 0) await one();
      }),
    );
  };
  await run(500);
  const ops = 3_000;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(ops);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { opsPerSec: ops / seconds, cpuMsPerOp: (used.user + used.system) / 1000 / ops };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

interface Measured extends AutocannonResult {
  cpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
}

interface Round {
  choir: Measured;
  peer: Measured;
  ratio: number;
}

async function check(url: string, query: string, address: string, pick: (d: never) => unknown[]) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables: { address } }),
  });
  const body = (await res.json()) as { data?: never; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`${url}: ${JSON.stringify(body).slice(0, 500)}`);
  const messages = pick(body.data);
  if (messages.length !== 20) throw new Error(`${url}: expected 20 messages, got ${messages.length}`);
}

const db = await createMigratedDatabase();
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
try {
  const threads = await seedThreads(pool, 200, { messagesPerThread: 40, votes: true });
  await pool.query('VACUUM ANALYZE');
  const addresses = threads.map((t) => t.address);

  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const choir = await startChild(
    process.execPath,
    [runTs, fileURLToPath(new URL('./support/api-server.ts', import.meta.url))],
    /LISTENING (\S+)/,
    {
      env: { DATABASE_URL: db.url, NODE_ENV: 'production' },
    },
  );
  const peer = await startChild(
    process.execPath,
    [
      peerRequire.resolve('postgraphile/cli.js'),
      '-c',
      db.url,
      '--schema',
      'public',
      '--host',
      '127.0.0.1',
      '--port',
      '5055',
      '--disable-query-log',
    ],
    /GraphQL API:\s+(\S+)/,
    { cwd: peerDir, env: { NODE_ENV: 'production' } },
  );
  const choirUrl = choir.match[1] as string;
  const peerUrl = 'http://127.0.0.1:5055/graphql';
  try {
    await check(
      choirUrl,
      CHOIR_QUERY,
      addresses[0] as string,
      (d: { thread: { messages: { nodes: unknown[] } } }) => d.thread.messages.nodes as never,
    );
    await check(
      peerUrl,
      PEER_QUERY,
      addresses[0] as string,
      (d: { threadByAddress: { messagesByThreadAddress: { nodes: unknown[] } } }) =>
        d.threadByAddress.messagesByThreadAddress.nodes as never,
    );
    const loadBefore = loadavg()[0] as number;
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const warm = r === 0;
      // Alternate who goes first, so a load change on the machine does not always hit the same one.
      let choirResult: Measured;
      let peerResult: Measured;
      const ours = () => measured(choirUrl, CHOIR_QUERY, addresses, warm, choir.child.pid);
      const theirs = () => measured(peerUrl, PEER_QUERY, addresses, warm, peer.child.pid);
      if (r % 2 === 0) {
        choirResult = await ours();
        peerResult = await theirs();
      } else {
        peerResult = await theirs();
        choirResult = await ours();
      }
      const ratio = choirResult.requests.average / peerResult.requests.average;
      rounds.push({ choir: choirResult, peer: peerResult, ratio });
      console.log(
        `round ${r + 1}: choir ${choirResult.requests.average.toFixed(0)} req/s p99 ${choirResult.latency.p99} ms ` +
          `${choirResult.cpuMsPerRequest.toFixed(2)} CPU ms/req (+ Postgres ${choirResult.postgresCpuMsPerRequest.toFixed(2)}), ` +
          `postgraphile ${peerResult.requests.average.toFixed(0)} req/s p99 ${peerResult.latency.p99} ms ` +
          `${peerResult.cpuMsPerRequest.toFixed(2)} CPU ms/req (+ Postgres ${peerResult.postgresCpuMsPerRequest.toFixed(2)}), ratio ${ratio.toFixed(2)}`,
      );
    }
    const loadAfter = loadavg()[0] as number;
    const ratios = rounds.map((r) => r.ratio);
    const ratio = median(ratios);
    const ours = {
      reqPerSec: median(rounds.map((r) => r.choir.requests.average)),
      p99Ms: median(rounds.map((r) => r.choir.latency.p99)),
      non2xx: rounds.reduce((n, r) => n + r.choir.non2xx, 0),
      errors: rounds.reduce((n, r) => n + r.choir.errors, 0),
      cpuMsPerRequest: median(rounds.map((r) => r.choir.cpuMsPerRequest)),
      postgresCpuMsPerRequest: median(rounds.map((r) => r.choir.postgresCpuMsPerRequest)),
    };
    const theirs = {
      reqPerSec: median(rounds.map((r) => r.peer.requests.average)),
      p99Ms: median(rounds.map((r) => r.peer.latency.p99)),
      non2xx: rounds.reduce((n, r) => n + r.peer.non2xx, 0),
      cpuMsPerRequest: median(rounds.map((r) => r.peer.cpuMsPerRequest)),
      postgresCpuMsPerRequest: median(rounds.map((r) => r.peer.postgresCpuMsPerRequest)),
    };
    console.log(
      `choir        ${ours.reqPerSec.toFixed(0)} req/s  p99 ${ours.p99Ms} ms  ${ours.cpuMsPerRequest.toFixed(2)} CPU ms/req + Postgres ${ours.postgresCpuMsPerRequest.toFixed(2)}  non-2xx ${ours.non2xx} (medians)`,
    );
    console.log(
      `postgraphile ${theirs.reqPerSec.toFixed(0)} req/s  p99 ${theirs.p99Ms} ms  ${theirs.cpuMsPerRequest.toFixed(2)} CPU ms/req + Postgres ${theirs.postgresCpuMsPerRequest.toFixed(2)}  non-2xx ${theirs.non2xx}`,
    );
    // The ceiling of this stack without HTTP: the same operation through graphql-js `execute` on the built schema.
    const bare = await bareExecution(pool, addresses);
    console.log(
      `choir's schema without HTTP (graphql execute, same SQL): ${bare.opsPerSec.toFixed(0)} ops/s, ` +
        `${bare.cpuMsPerOp.toFixed(2)} CPU ms/op; HTTP + Apollo + express add ${(ours.cpuMsPerRequest - bare.cpuMsPerOp).toFixed(2)} CPU ms/req`,
    );
    console.log(
      `ratio ${ratio.toFixed(2)} (goal ≥ 1.0; rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), ` +
        `${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
    );
    console.log(
      `RESULT ${JSON.stringify({
        bench: 'graphql-read',
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
        choir: ours,
        postgraphile: theirs,
        ratio,
        cpuRatio: theirs.cpuMsPerRequest / ours.cpuMsPerRequest,
        bareExecution: bare,
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
        loadAverage: { before: loadBefore, after: loadAfter },
        goals: [{ name: 'ratio vs PostGraphile v4', target: '>= 1.0', value: ratio, pass: ratio >= 1.0 }],
      })}`,
    );
  } finally {
    await choir.stop();
    await peer.stop();
  }
} finally {
  await pool.end();
  await db.drop();
}
