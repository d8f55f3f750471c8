/**
 * Kill -9 the write path (indexer + submission workers, one process) 20 times while submissions flow: at each step
 * boundary of the pipeline (after the vector upsert, after STORED, after the transaction landed, after RECORDED)
 * and at random moments. After a last restart every accepted submission must end CONFIRMED/FINALIZED or
 * ROLLED_BACK; none lost; none recorded twice (one successful transaction and one record per message on chain, one
 * vector point per message, one MessageSubmitted per acceptance), and nothing of a rolled-back one left anywhere.
 *
 * A `.load` test (npm test's second pass, alone on the cores): its 21 process starts take ~3 s each on a quiet
 * machine and several times that inside the parallel suite, where it overran even a 7-minute budget.
 */
import { Keypair, PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import { createRpcClient, type RpcClient } from '../../src/chain/rpc-client.js';
import type { Devnet } from '../../src/devnet/index.js';
import { createSubmissions } from '../../src/pipeline/submission-service.js';
import { messagePointId } from '../../src/vector/point-id.js';
import { ChainDriver, startTestDevnet } from '../indexer/devnet-driver.js';
import { openPool, until } from '../indexer/harness.js';
import { type ChoirProcess, spawnNode } from '../support/choir-process.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { QdrantDouble } from '../support/qdrant-double/server.js';
import { messageRequest } from './harness.js';

const KILLS = 20;
const PER_ROUND = 24;
const CRASH_POINTS = ['upsert', 'stored', 'send', 'recorded', 'random'] as const;
const meta = { requestId: 'kill9' };

function spawnPipeline(devnet: Devnet, env: Record<string, string>): ChoirProcess {
  return spawnNode(
    [`${import.meta.dirname}/../../bin/run-ts.js`, `${import.meta.dirname}/pipeline-main.ts`],
    {
      GEYSER_URL: devnet.geyserUrl,
      SOLANA_RPC_URL: devnet.rpcUrl,
      INDEXER_BATCH_MS: '5',
      INDEXER_PING_DEADLINE_MS: '2000',
      INDEXER_RECONNECT_BASE_MS: '20',
      INDEXER_RECONNECT_MAX_MS: '300',
      INDEXER_LEADER_POLL_MS: '100',
      LOG_LEVEL: 'warn',
      ...env,
    },
    (k) => !k.startsWith('INDEXER_') && k !== 'CRASH_AT',
  );
}

async function successfulSignatures(rpc: RpcClient, address: string): Promise<number> {
  const list = await rpc.call<{ err: unknown }[]>('getSignaturesForAddress', [
    address,
    { limit: 100, commitment: 'confirmed' },
  ]);
  return list.filter((s) => s.err === null).length;
}

describe('kill -9 of the write path', () => {
  let devnet: Devnet;
  let db: TestDatabase;
  let pool: pg.Pool;
  let double: QdrantDouble;
  let ticker: NodeJS.Timeout;
  let proc: ChoirProcess | undefined;

  beforeAll(async () => {
    devnet = await startTestDevnet();
    ticker = setInterval(() => devnet.tick(), 100);
    db = await createMigratedDatabase();
    pool = openPool(db.url);
    double = new QdrantDouble();
    await double.start();
  });
  afterAll(async () => {
    clearInterval(ticker);
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await pool?.end();
    await db?.drop();
    await double?.stop();
    await devnet?.close();
  });

  it('ends every accepted submission CONFIRMED or ROLLED_BACK, none lost, none recorded twice', {
    timeout: 420_000,
  }, async () => {
    const chain = new ChainDriver(devnet);
    chain.fund(chain.payer.publicKey, 1_000_000_000_000n);
    const relayerKey = Keypair.generate();
    chain.fund(relayerKey.publicKey, 1_000_000_000_000n);
    const author = Keypair.generate();
    chain.fund(author.publicKey);
    const threads = [chain.createThread([author]), chain.createThread([author]), chain.createThread([author])];
    devnet.tick();

    const env = { DATABASE_URL: db.url, QDRANT_URL: double.url, RELAYER_KEYPAIR: bs58.encode(relayerKey.secretKey) };
    proc = spawnPipeline(devnet, env);
    await until('threads indexed', async () => (await pool.query('SELECT 1 FROM threads')).rowCount === 3, 60_000);

    const submissions = createSubmissions({ pool, maxContentBytes: 4096 });
    const accepted = new Set<string>();
    const intruders = new Set<string>();
    let n = 0;
    const crashes: string[] = [];
    for (let round = 0; round < KILLS; round++) {
      const point = CRASH_POINTS[round % CRASH_POINTS.length] as (typeof CRASH_POINTS)[number];
      if (round > 0) {
        proc = spawnPipeline(devnet, { ...env, ...(point === 'random' ? {} : { CRASH_AT: point }) });
      } else if (point !== 'random') {
        // The first process is already up without a crash point: replace it with one that has it.
        proc.child.kill('SIGKILL');
        await proc.exited;
        proc = spawnPipeline(devnet, { ...env, CRASH_AT: point });
      }
      // Each round: a batch of good submissions, and every other round one the program will reject (Postgres
      // believes the intruder is a co-author; the chain does not), so rollbacks are cut by kills too.
      const thread = threads[round % threads.length] as PublicKey;
      const batch = Array.from({ length: PER_ROUND }, () =>
        submissions.submitMessage(messageRequest(author, thread, `kill9 message ${n++}`), meta),
      );
      if (round % 2 === 1) {
        const intruder = Keypair.generate();
        await pool.query(
          'INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, 9, $2, 0)',
          [thread.toBase58(), intruder.publicKey.toBase58()],
        );
        const bad = await submissions.submitMessage(messageRequest(intruder, thread, `intruder ${round}`), meta);
        await pool.query('DELETE FROM thread_co_authors WHERE thread_address = $1 AND position = 9', [
          thread.toBase58(),
        ]);
        intruders.add(bad.address);
        accepted.add(bad.address);
      }
      for (const a of await Promise.all(batch)) accepted.add(a.address);

      const current = proc;
      if (point === 'random') {
        await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1_500)));
        current.child.kill('SIGKILL');
      }
      const how = await Promise.race([current.exited, new Promise((r) => setTimeout(() => r('no crash'), 60_000))]);
      expect(how, current.output()).toBe('SIGKILL');
      crashes.push(point);
    }
    expect(crashes).toHaveLength(KILLS);

    proc = spawnPipeline(devnet, env);
    const settled = async () => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages
          WHERE address = ANY ($1::text[]) AND status IN ('CONFIRMED', 'FINALIZED', 'ROLLED_BACK')`,
        [[...accepted]],
      );
      return rows[0]?.n === accepted.size;
    };
    await until('every accepted submission settled', settled, 120_000);

    const { rows } = await pool.query<{ address: string; status: string }>(
      'SELECT address, status FROM messages WHERE address = ANY ($1::text[])',
      [[...accepted]],
    );
    expect(rows).toHaveLength(accepted.size);
    const rolledBack = new Set(rows.filter((r) => r.status === 'ROLLED_BACK').map((r) => r.address));
    expect(rolledBack).toEqual(intruders);
    const kept = rows.filter((r) => r.status !== 'ROLLED_BACK').map((r) => r.address);

    // The chain: exactly the kept messages, each recorded by exactly one successful transaction. Read at
    // `confirmed`, as the rows settled at (the RPC's default, finalized, can still lack the last ones).
    const rpc = createRpcClient(devnet.rpcUrl);
    const onChain = new Set<string>();
    for (const thread of threads) {
      const accounts = await rpc.call<{ pubkey: string }[]>('getProgramAccounts', [
        CHOIR_PROGRAM_ID.toBase58(),
        {
          encoding: 'base64',
          commitment: 'confirmed',
          filters: [{ dataSize: 168 }, { memcmp: { offset: 16, bytes: thread.toBase58() } }],
        },
      ]);
      for (const a of accounts) onChain.add(a.pubkey);
    }
    expect([...onChain].sort()).toEqual([...kept].sort());
    for (const address of kept) expect(await successfulSignatures(rpc, address)).toBe(1);

    // The vector store: one point per kept message, keyed by its address; none for a rolled-back one.
    const collection = double.state.collections.get(double.state.aliases.get('messages') ?? '');
    const points = [...(collection?.points.values() ?? [])].filter((p) => p.payload.kind === 'message');
    expect(points.map((p) => p.payload.message_address).sort()).toEqual([...kept].sort());
    for (const p of points) expect(p.id).toBe(messagePointId(p.payload.message_address as string));

    // The event log: one MessageSubmitted per acceptance, one MessagePublished per kept message, one rollback each.
    const events = await pool.query<{ type: string; address: string; n: number }>(
      `SELECT type, payload->>'messageAddress' AS address, count(*)::int AS n FROM events
        WHERE type IN ('MessageSubmitted', 'MessagePublished', 'MessageRolledBack') GROUP BY 1, 2`,
    );
    const count = (type: string) => events.rows.filter((e) => e.type === type);
    expect(
      count('MessageSubmitted')
        .map((e) => [e.address, e.n])
        .sort(),
    ).toEqual([...accepted].map((a) => [a, 1]).sort());
    expect(
      count('MessagePublished')
        .map((e) => [e.address, e.n])
        .sort(),
    ).toEqual(kept.map((a) => [a, 1]).sort());
    expect(
      count('MessageRolledBack')
        .map((e) => [e.address, e.n])
        .sort(),
    ).toEqual([...intruders].map((a) => [a, 1]).sort());
    expect(double.rejected).toEqual([]);
  });
});
