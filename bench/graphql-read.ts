// `npm run bench -- graphql-read`: a thread page (thread + co-authors + 20 latest messages with votes) served by
// choir's API and by PostGraphile v4 (bench/peers/postgraphile, its own package.json: it needs graphql 15) on the
// same seeded database in the same run, each in its own process, loaded by autocannon at the same concurrency.
// Goal: choir's req/s ≥ PostGraphile's (ratio ≥ 1.0). Last line: RESULT {json}.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seedThreads } from '../test/api/seed.js';
import { createMigratedDatabase } from '../test/support/postgres.js';
import { startChild } from './support/child.js';

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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const CHOIR_QUERY = `query ($address: ID!) { thread(address: $address) {
  address threadId creator title messageCount balance coAuthors
  messages(first: 20) { nodes { address hash author content status kind approvals denials createdAt votes { voter approve } } } } }`;
const PEER_QUERY = `query ($address: String!) { threadByAddress(address: $address) {
  address threadId creator title messageCount lamports
  threadCoAuthorsByThreadAddress(orderBy: POSITION_ASC) { nodes { pubkey } }
  messagesByThreadAddress(first: 20, orderBy: [CREATED_AT_DESC, ADDRESS_DESC]) { nodes {
    address contentHash author content status kind approvals denials createdAt
    votesByMessageAddress { nodes { voter approve } } } } } }`;

async function load(url: string, query: string, addresses: string[]): Promise<AutocannonResult> {
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
  await autocannon({ ...options, duration: 3 }); // warm-up: JIT, plan caches, pool connections
  return autocannon({ ...options, duration: SECONDS });
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
    const ours = await load(choirUrl, CHOIR_QUERY, addresses);
    const theirs = await load(peerUrl, PEER_QUERY, addresses);
    const ratio = ours.requests.average / theirs.requests.average;
    console.log(
      `choir        ${ours.requests.average.toFixed(0)} req/s  p50 ${ours.latency.p50} ms  p99 ${ours.latency.p99} ms  non-2xx ${ours.non2xx}`,
    );
    console.log(
      `postgraphile ${theirs.requests.average.toFixed(0)} req/s  p50 ${theirs.latency.p50} ms  p99 ${theirs.latency.p99} ms  non-2xx ${theirs.non2xx}`,
    );
    console.log(`ratio ${ratio.toFixed(2)} (goal ≥ 1.0), ${CONNECTIONS} connections, ${SECONDS} s each`);
    console.log(
      `RESULT ${JSON.stringify({
        bench: 'graphql-read',
        connections: CONNECTIONS,
        seconds: SECONDS,
        choir: { reqPerSec: ours.requests.average, p99Ms: ours.latency.p99, non2xx: ours.non2xx, errors: ours.errors },
        postgraphile: { reqPerSec: theirs.requests.average, p99Ms: theirs.latency.p99, non2xx: theirs.non2xx },
        ratio,
        goal: { ratio: 1.0 },
        met: ratio >= 1.0,
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
