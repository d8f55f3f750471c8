/**
 * A message is (thread, content hash): the same content posted in two threads is two messages, and each thread
 * keeps its rows, votes, events and vector-store payload updates; posting it twice in one thread is the program's
 * DuplicateContentHash error and leaves one row. Real devnet, real Geyser stream, real Postgres.
 */
import { createHash } from 'node:crypto';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { readEventsAfter } from '../../src/events/index.js';
import type { PayloadPatch, PointSelector } from '../../src/vector/types.js';
import { useMigratedDatabases } from '../support/migrated-pool.js';
import { useTestChain } from './devnet-driver.js';
import { finalizedAtLeast, launch, until } from './harness.js';

describe('the same content in two threads', () => {
  const env = useTestChain();
  const database = useMigratedDatabases();

  it('gives two messages, each with its own row, votes, events and vector payload', { timeout: 60_000 }, async () => {
    const { devnet, chain } = env;
    const db = await database();
    const patches = new Map<string, PayloadPatch>();
    const store = {
      async setPayload(patch: PayloadPatch, target: PointSelector) {
        if ('messageAddresses' in target) for (const a of target.messageAddresses) patches.set(a, patch);
      },
    };
    const indexer = launch(devnet, db, { vectorStore: store });
    await until('streaming', () => indexer.status().state === 'streaming');
    const second = Keypair.generate();
    const author = Keypair.generate();
    for (const k of [second, author]) chain.fund(k.publicKey);
    const threads: PublicKey[] = [chain.createThread([chain.payer, second]), chain.createThread([chain.payer, second])];
    devnet.tick();
    await until('threads', async () => (await db.pool.query('SELECT 1 FROM threads')).rowCount === 2);

    // The backend holds the content of "+1" in both threads (so each has a vector point to keep current).
    const hash = createHash('sha256').update('+1').digest('hex');
    for (const t of threads) {
      await db.pool.query(
        `INSERT INTO messages (address, thread_address, content_hash, author, content, status)
         VALUES (choir_message_address($1, $2), $1, $2, $3, '+1', 'STORED')`,
        [t.toBase58(), hash, chain.payer.publicKey.toBase58()],
      );
    }
    const messages = threads.map((t) => chain.submitMessage(t, '+1'));
    expect(messages[0]).not.toBe(messages[1]);
    // The same spec in both threads; the first co-author approves it in one thread and denies it in the other.
    const specs = threads.map((t) => chain.submitSpec(t, 'adopt the charter', author));
    chain.vote(threads[0] as PublicKey, 'adopt the charter', chain.payer, true);
    chain.vote(threads[1] as PublicKey, 'adopt the charter', chain.payer, false);
    // Twice in one thread (a new blockhash, so a new transaction): the program refuses it.
    devnet.tick();
    let refused = '';
    try {
      chain.submitMessage(threads[0] as PublicKey, '+1');
    } catch (err) {
      refused = String(err);
    }
    expect(refused).toMatch(/Custom.{0,4}18/);
    devnet.tick(6);
    const last = devnet.ledger.chain.slotFor('finalized');
    await until('finalized', () => finalizedAtLeast(db.pool, last));

    const { rows } = await db.pool.query(
      `SELECT address, thread_address, content_hash, kind, status, content FROM messages ORDER BY kind, address`,
    );
    expect(rows).toHaveLength(4);
    for (const [i, t] of threads.entries()) {
      expect(rows).toContainEqual({
        address: messages[i],
        thread_address: t.toBase58(),
        content_hash: hash,
        kind: 'MESSAGE',
        status: 'FINALIZED',
        content: '+1',
      });
      expect(rows.find((r) => r.address === specs[i])?.thread_address).toBe(t.toBase58());
    }
    const { rows: votes } = await db.pool.query('SELECT message_address, approve FROM votes ORDER BY approve');
    expect(votes).toEqual([
      { message_address: specs[1], approve: false },
      { message_address: specs[0], approve: true },
    ]);

    const events = await readEventsAfter(db.pool, 0n);
    for (const [i, t] of threads.entries()) {
      const own = events.filter((e) => e.threadAddress === t.toBase58());
      const published = own.filter((e) => e.type === 'MessagePublished');
      expect(published.map((e) => e.payload)).toEqual([
        { messageAddress: messages[i], contentHash: hash, author: chain.payer.publicKey.toBase58(), index: 0 },
      ]);
      expect(own.filter((e) => e.type === 'VoteCast').map((e) => e.payload.messageAddress)).toEqual([specs[i]]);
    }

    // Each thread's "+1" point got its own payload updates, ending at its own final status.
    await until('payloads', () => messages.every((m) => patches.get(m as string)?.status === 'FINALIZED'));
    const { rows: slots } = await db.pool.query('SELECT address, slot FROM messages WHERE content IS NOT NULL');
    for (const r of slots) expect(patches.get(r.address)?.slot).toBe(Number(r.slot));
    await indexer.close();
  });
});
