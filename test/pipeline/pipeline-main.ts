/**
 * The write path as one killable process: the indexer and the submission workers (what `choir start` runs besides
 * the API), against Postgres, a chain and a Qdrant endpoint given in the environment. The kill -9 test spawns it.
 *
 * CRASH_AT=upsert|stored|send|recorded makes it SIGKILL itself right after the CRASH_AFTER-th (default 1) such step
 * has completed, before the next one starts — a crash exactly between two steps of the pipeline:
 *   upsert   the vector upsert returned, the row is not STORED yet
 *   stored   the row is STORED, nothing sent
 *   send     the relayed transaction landed, the row is not RECORDED yet
 *   recorded the row is RECORDED, its outbox item not completed
 */
import type pg from 'pg';
import { startIndexer } from '../../indexer/indexer.js';
import { Relayer } from '../../src/chain/relayer.js';
import { parseRelayerKeypair } from '../../src/chain/relayer-key.js';
import { createRpcClient } from '../../src/chain/rpc-client.js';
import { readSection } from '../../src/config/section.js';
import { indexerSection } from '../../src/config/sections/indexer.js';
import { createPool } from '../../src/db/pool.js';
import { HashingEmbedder } from '../../src/embed/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startPipeline } from '../../src/pipeline/start-pipeline.js';
import type { VectorStore } from '../../src/vector/types.js';
import { qdrantTestStore } from './qdrant-store.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
};

const url = env('DATABASE_URL');
const crashAt = process.env.CRASH_AT ?? '';
let crashCountdown = Number(process.env.CRASH_AFTER ?? 1);
const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info') ?? 'warn', format: 'json' });

function step(name: string) {
  if (name !== crashAt) return;
  crashCountdown -= 1;
  if (crashCountdown === 0) {
    process.stdout.write(`crashing after ${name}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

const pool = createPool({ url, size: 6, applicationName: 'choir-pipeline-test' });
// Status updates are the steps `stored` and `recorded`: observed on the pool the workers use. A step moves rows and
// appends their events in one transaction (status-step.ts), so it has completed at that transaction's COMMIT: a
// checked-out client remembers the step its UPDATE made and reports it when it commits (COPY streams and callback
// calls pass through untouched).
const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
const observed = new WeakSet<object>();
(pool as { connect: unknown }).connect = async (...args: unknown[]) => {
  if (args.length > 0) return connect(...args);
  const client = (await connect()) as pg.PoolClient;
  if (observed.has(client)) return client;
  observed.add(client);
  const clientQuery = client.query.bind(client) as (...a: unknown[]) => unknown;
  let made: string | undefined;
  (client as { query: unknown }).query = (...a: unknown[]) => {
    const [sql, params] = a as [unknown, unknown[] | undefined];
    if (typeof sql !== 'string' || typeof a[a.length - 1] === 'function') return clientQuery(...a);
    return (clientQuery(...a) as Promise<pg.QueryResult>).then((result) => {
      if (sql.includes('UPDATE messages SET status = $2') && (result.rowCount ?? 0) > 0) {
        made = String(params?.[1]).toLowerCase();
      } else if (sql === 'ROLLBACK') made = undefined;
      else if (sql === 'COMMIT' && made !== undefined) {
        const name = made;
        made = undefined;
        step(name);
      }
      return result;
    });
  };
  return client;
};

const embedder = new HashingEmbedder(64);
const qdrant = qdrantTestStore(
  env('QDRANT_URL'),
  embedder,
  { timeoutMs: 5_000, retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 } },
  logger,
);
await qdrant.ensureCollection();
const store = new Proxy(qdrant, {
  get(target, prop, receiver) {
    if (prop === 'upsert') {
      return async (...args: Parameters<VectorStore['upsert']>) => {
        await target.upsert(...args);
        step('upsert');
      };
    }
    return Reflect.get(target, prop, receiver);
  },
}) as VectorStore;

const relayer = new Relayer({
  rpc: createRpcClient(env('SOLANA_RPC_URL')),
  keypair: parseRelayerKeypair(env('RELAYER_KEYPAIR')),
  logger,
  baseDelayMs: 10,
  maxDelayMs: 100,
  pollMs: 20,
});
const sendBatch = relayer.sendBatch.bind(relayer);
relayer.sendBatch = async (transactions) => {
  const outcomes = await sendBatch(transactions);
  if (outcomes.some((o) => o.ok)) step('send');
  return outcomes;
};

const indexer = startIndexer({
  db: { url, pool },
  settings: readSection(indexerSection, process.env),
  logger,
  vectorStore: store,
  outboxRetry: { baseDelayMs: 20, maxDelayMs: 200 },
});
const pipeline = startPipeline({
  pool,
  store,
  embedder,
  relayer,
  logger,
  retryMaxMs: 200,
  idleMs: 20,
  resendEveryMs: 250,
  resendGraceS: 1,
  // A killed worker's claims come back this soon.
  leaseMs: 1_500,
});
process.stdout.write('pipeline up\n');

async function shutdown() {
  await pipeline.close();
  await indexer.close();
  await qdrant.close();
  await pool.end();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
