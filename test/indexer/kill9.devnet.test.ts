/**
 * Kill -9 the indexer process at 20 random points while a 10,000-update workload streams in; after the last
 * restart the database must equal, row for row (events and their order included; wall-clock columns aside), an
 * uninterrupted run over the same chain.
 */
import { Keypair, type PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCursor } from '../../indexer/write/cursor.js';
import type { Devnet } from '../../src/devnet/index.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { snapshot } from './db-snapshot.js';
import { ChainDriver, startTestDevnet } from './devnet-driver.js';
import { finalizedAtLeast, identity, launch, openPool, until } from './harness.js';
import { type IndexerProcess, spawnIndexer } from './indexer-process.js';

const KILLS = 20;
const UPDATES = 10_000;
// Each message: the thread and message accounts and the transaction.
const MESSAGES = Math.ceil(UPDATES / 3);

describe('kill -9 at random points', () => {
  let devnet: Devnet;
  const dbs: TestDatabase[] = [];
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    devnet = await startTestDevnet();
  });
  afterAll(async () => {
    for (const p of pools) await p.end();
    for (const d of dbs) await d.drop();
    await devnet.close();
  });

  it('leaves the same database as an uninterrupted run', { timeout: 300_000 }, async () => {
    const db = await createMigratedDatabase();
    dbs.push(db);
    const pool = openPool(db.url);
    pools.push(pool);
    let proc: IndexerProcess = spawnIndexer(devnet, db.url);
    await until('cursor', async () => (await pool.query('SELECT 1 FROM indexer_cursors')).rowCount === 1, 60_000);

    const chain = new ChainDriver(devnet);
    chain.fund(chain.payer.publicKey, 1_000_000_000_000n);
    const authors = Array.from({ length: 3 }, () => Keypair.generate());
    for (const a of authors) chain.fund(a.publicKey);
    const threads: PublicKey[] = Array.from({ length: 10 }, () => chain.createThread());
    devnet.tick();

    // Each round sends its share of the workload gradually and kills the indexer at a random chunk of it, so
    // every kill lands while live updates are flowing (and the rest of the round queues up while it is down).
    let sent = 0;
    const perRound = Math.ceil(MESSAGES / KILLS);
    const events = async () => Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await events();
      const killAt = Math.floor(Math.random() * Math.ceil(perRound / 25));
      for (let chunk = 0; sent < Math.min(MESSAGES, (kill + 1) * perRound); chunk++) {
        for (let i = 0; i < 25 && sent < Math.min(MESSAGES, (kill + 1) * perRound); i++, sent++) {
          // Each text goes to every thread in turn: the same content hash in ten threads, ten messages.
          chain.submitMessage(
            threads[sent % threads.length] as PublicKey,
            `message ${Math.floor(sent / threads.length)}`,
          );
        }
        devnet.tick();
        if (chunk === killAt) {
          await until('progress', async () => (await events()) > before, 60_000);
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
          proc.child.kill('SIGKILL');
          await proc.exited;
        } else await new Promise((r) => setTimeout(r, 10));
      }
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        await until('progress', async () => (await events()) > before, 60_000);
        proc.child.kill('SIGKILL');
        await proc.exited;
      }
      proc = spawnIndexer(devnet, db.url);
    }
    devnet.tick(5);
    const last = devnet.ledger.chain.slotFor('finalized');
    await until('caught up', () => finalizedAtLeast(pool, last), 120_000);
    proc.child.kill('SIGTERM');
    await proc.exited;

    const ref = await createMigratedDatabase();
    dbs.push(ref);
    const refPool = openPool(ref.url);
    pools.push(refPool);
    await createCursor(refPool, 'choir', 0n, identity(devnet));
    const reference = launch(devnet, { url: ref.url, pool: refPool });
    await until('reference caught up', () => finalizedAtLeast(refPool, last), 120_000);
    await reference.close();

    const got = await snapshot(pool);
    expect((got.messages ?? []).length).toBe(MESSAGES);
    const hashes = new Set((got.messages as { content_hash: string }[]).map((m) => m.content_hash));
    expect(hashes.size).toBe(Math.ceil(MESSAGES / threads.length));
    expect(got).toEqual(await snapshot(refPool));
  });
});
