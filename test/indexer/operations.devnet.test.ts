/**
 * Operating the indexer on the devnet: two instances (one leads, the other takes over after a kill -9), the
 * vector store down for 30 s, first start and replay-window misses (backfill from RPC), the wrong chain.
 */
import { Keypair, type PublicKey } from '@solana/web3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createCursor } from '../../indexer/write/cursor.js';
import { type Devnet } from '../../src/devnet/index.js';
import { readEventsAfter } from '../../src/events/index.js';
import type { PayloadPatch, PointSelector } from '../../src/vector/types.js';
import { useMigratedDatabases } from '../support/migrated-pool.js';
import { snapshot } from './db-snapshot.js';
import { ChainDriver, startTestDevnet } from './devnet-driver.js';
import { finalizedAtLeast, identity, launch, until } from './harness.js';
import { type IndexerProcess, spawnIndexer } from './indexer-process.js';

const devnets: Devnet[] = [];
const database = useMigratedDatabases();
async function devnetWithChain(options: { historySlots?: number } = {}) {
  const devnet = await startTestDevnet({ historySlots: options.historySlots });
  devnets.push(devnet);
  const chain = new ChainDriver(devnet);
  chain.fund(chain.payer.publicKey, 1_000_000_000_000n);
  devnet.tick();
  return { devnet, chain };
}
afterAll(async () => {
  for (const d of devnets) await d.close();
});

function lastStatus(p: IndexerProcess): { role?: string; state?: string } {
  const lines = p
    .output()
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{"stream"'));
  return lines.length ? JSON.parse(lines[lines.length - 1] as string) : {};
}

describe('high availability', () => {
  it('one of two indexers leads; kill -9 it and the other takes over with nothing lost', {
    timeout: 120_000,
  }, async () => {
    const { devnet, chain } = await devnetWithChain();
    const db = await database();
    const env = { INDEXER_STATUS_LINES: '1' };
    const a = spawnIndexer(devnet, db.url, env);
    const b = spawnIndexer(devnet, db.url, env);
    const thread = chain.createThread();
    for (let i = 0; i < 50; i++) chain.submitMessage(thread, `ha ${i}`);
    devnet.tick();
    await until(
      'a leader and a standby',
      () => {
        const roles = [lastStatus(a).role, lastStatus(b).role].sort();
        return roles[0] === 'leader' && roles[1] === 'standby';
      },
      60_000,
    );
    const [leader, standby] = lastStatus(a).role === 'leader' ? [a, b] : [b, a];
    leader.child.kill('SIGKILL');
    await leader.exited;
    for (let i = 50; i < 100; i++) chain.submitMessage(thread, `ha ${i}`);
    devnet.tick();
    await until('standby leads', () => lastStatus(standby).role === 'leader', 30_000);
    devnet.tick(5);
    const last = devnet.ledger.chain.slotFor('finalized');
    await until('caught up', () => finalizedAtLeast(db.pool, last), 60_000);
    standby.child.kill('SIGTERM');
    await standby.exited;

    const ref = await database();
    await createCursor(ref.pool, 'choir', 0n, identity(devnet));
    const reference = launch(devnet, ref);
    await until('reference caught up', () => finalizedAtLeast(ref.pool, last));
    await reference.close();
    const got = await snapshot(db.pool);
    expect(got.messages).toHaveLength(100);
    expect(got).toEqual(await snapshot(ref.pool));
  });
});

describe('vector store outage', () => {
  it('payload updates queued while the store is down for 30 s all land once it is back', {
    timeout: 120_000,
  }, async () => {
    const { devnet, chain } = await devnetWithChain();
    const db = await database();
    // A fake VectorStore (setPayload only) that can be switched off: the outage case the issue describes.
    let down = true;
    const points = new Map<string, PayloadPatch>();
    const threadPatches = new Map<string, PayloadPatch>();
    const store = {
      async setPayload(patch: PayloadPatch, target: PointSelector) {
        if (down) throw new Error('vector store unavailable');
        if ('messageAddresses' in target)
          for (const a of target.messageAddresses) points.set(a, { ...points.get(a), ...patch });
        else {
          // set_payload merges keys, as Qdrant does: a later patch keeps the earlier ones' other keys.
          const k = String(target.filter.threadId);
          threadPatches.set(k, { ...threadPatches.get(k), ...patch });
        }
      },
    };
    const indexer = launch(devnet, db, { vectorStore: store, outboxRetry: { baseDelayMs: 100, maxDelayMs: 2_000 } });
    await until('streaming', () => indexer.status().state === 'streaming');
    const second = Keypair.generate();
    const thread = chain.createThread([chain.payer, second]);
    devnet.tick();
    await until('thread', async () => (await db.pool.query('SELECT 1 FROM threads')).rowCount === 1);
    // Messages the backend accepted (content stored) before recording them on chain.
    const addresses: string[] = [];
    for (let i = 0; i < 20; i++) {
      const text = `outage ${i}`;
      const hash = (await import('node:crypto')).createHash('sha256').update(text).digest('hex');
      await db.pool.query(
        `INSERT INTO messages (address, content_hash, thread_address, author, content, status)
         VALUES (choir_message_address($2, $1), $1, $2, $3, $4, 'RECORDED')`,
        [hash, thread.toBase58(), chain.payer.publicKey.toBase58(), text],
      );
      addresses.push(chain.submitMessage(thread as PublicKey, text));
      if (i % 5 === 4) devnet.tick();
    }
    devnet.tick(6);
    const last = devnet.ledger.chain.slotFor('finalized');
    await until('finalized', () => finalizedAtLeast(db.pool, last));
    await new Promise((r) => setTimeout(r, 30_000)); // the outage lasts 30 s
    expect(points.size).toBe(0);
    down = false;
    // Each outbox item retries on its own backoff: the thread's co-author patch may land after the messages'.
    await until(
      'payloads landed',
      () =>
        addresses.every((a) => points.get(a)?.status === 'FINALIZED') &&
        threadPatches.get(thread.toBase58())?.co_authors !== undefined,
      30_000,
    );
    const { rows } = await db.pool.query('SELECT address, slot FROM messages');
    for (const r of rows) expect(points.get(r.address)?.slot).toBe(Number(r.slot));
    expect(threadPatches.get(thread.toBase58())?.co_authors).toEqual([
      chain.payer.publicKey.toBase58(),
      second.publicKey.toBase58(),
    ]);
    await indexer.close();
  });
});

describe('backfill and chain identity', () => {
  it('backfills what exists on first start, then streams on with no duplicate', async () => {
    const { devnet, chain } = await devnetWithChain();
    const thread = chain.createThread();
    for (let i = 0; i < 10; i++) chain.submitMessage(thread, `early ${i}`);
    devnet.tick(4); // confirmed
    const db = await database();
    const indexer = launch(devnet, db);
    await until('backfilled', async () => (await db.pool.query('SELECT 1 FROM messages')).rowCount === 10);
    for (let i = 0; i < 10; i++) chain.submitMessage(thread, `late ${i}`);
    devnet.tick(5);
    await until('caught up', () => finalizedAtLeast(db.pool, devnet.ledger.chain.slotFor('finalized')));
    await indexer.close();
    const events = await readEventsAfter(db.pool, 0n, { limit: 10_000 });
    expect(events.filter((e) => e.type === 'MessagePublished')).toHaveLength(20);
    expect(events.filter((e) => e.type === 'ThreadCreated')).toHaveLength(1);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM messages WHERE commitment = 'FINALIZED'`);
    expect(rows[0].n).toBe(20);
  });

  it('backfills from RPC when the stream cannot replay from the cursor', async () => {
    const { devnet, chain } = await devnetWithChain({ historySlots: 64 });
    const db = await database();
    let indexer = launch(devnet, db);
    const thread = chain.createThread();
    devnet.tick(4);
    await until('thread', async () => (await db.pool.query('SELECT 1 FROM threads')).rowCount === 1);
    await indexer.close();
    chain.submitMessage(thread, 'while away');
    devnet.tick(100); // beyond the 64-slot replay window
    indexer = launch(devnet, db);
    await until('message backfilled', async () => (await db.pool.query('SELECT 1 FROM messages')).rowCount === 1);
    chain.submitMessage(thread, 'after');
    devnet.tick(5);
    await until('streaming again', async () => (await db.pool.query('SELECT 1 FROM messages')).rowCount === 2);
    expect(indexer.status().state).toBe('streaming');
    await indexer.close();
  });

  it('refuses another chain with a clear error, and --reset re-indexes it', async () => {
    const { devnet, chain } = await devnetWithChain();
    const thread = chain.createThread();
    chain.submitMessage(thread, 'on the new chain');
    devnet.tick(4);
    const db = await database();
    await createCursor(db.pool, 'choir', 5n, { genesisHash: 'an-old-devnet', programId: identity(devnet).programId });
    const refused = launch(devnet, db);
    await refused.stopped;
    expect(refused.status()).toMatchObject({ state: 'failed' });
    expect(refused.status().lastError).toMatch(/another chain.*--reset/);
    expect((await db.pool.query('SELECT 1 FROM messages')).rowCount).toBe(0);

    const reset = launch(devnet, db, { reset: true });
    await until('re-indexed', async () => (await db.pool.query('SELECT 1 FROM messages')).rowCount === 1);
    const { rows } = await db.pool.query('SELECT genesis_hash FROM indexer_cursors');
    expect(rows[0].genesis_hash).toBe(devnet.ledger.genesisHash);
    await reset.close();
  });
});
