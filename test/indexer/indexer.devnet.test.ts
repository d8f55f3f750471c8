/**
 * The indexer against the devnet's real Geyser server through the official client, on real Postgres.
 * A reference indexer replays the same chain from slot 1 without faults; the faulted one must end identical.
 */
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createCursor } from '../../indexer/write/cursor.js';
import { readEventsAfter } from '../../src/events/index.js';
import { useMigratedDatabases } from '../support/migrated-pool.js';
import { snapshot } from './db-snapshot.js';
import { useTestChain } from './devnet-driver.js';
import { finalizedAtLeast, identity, launch, until } from './harness.js';

describe('indexer on the devnet Geyser server', () => {
  const env = useTestChain();
  const database = useMigratedDatabases();

  it('streams, survives a cut, a silent pause and a Geyser restart with no gap and no duplicate', async () => {
    const { devnet, chain } = env;
    const db = await database();
    const indexer = launch(devnet, db);
    await until('streaming', () => indexer.status().state === 'streaming');
    const second = Keypair.generate();
    chain.fund(second.publicKey);
    const thread = chain.createThread([chain.payer, second]);
    chain.submitMessage(thread, 'first');
    devnet.tick();
    await until('first message', async () => (await db.pool.query('SELECT 1 FROM messages')).rowCount === 1);

    chain.submitMessage(thread, 'before the cut');
    devnet.faults.cutStreams();
    chain.submitMessage(thread, 'during the cut');
    devnet.tick(2);
    await until('reconnected', () => indexer.status().reconnects >= 1 && indexer.status().state === 'streaming');

    // The devnet keeps answering pings while paused, so this is a stall, not silence: nothing may be lost.
    devnet.faults.pauseStreams();
    chain.submitMessage(thread, 'while paused');
    devnet.tick();
    await new Promise((r) => setTimeout(r, 2_000)); // longer than INDEXER_PING_DEADLINE_MS
    devnet.faults.resumeStreams();

    await devnet.faults.restartGeyser();
    chain.submitMessage(thread, 'after the restart');
    chain.fund(thread, 1_000_000n);
    chain.divest(thread);
    devnet.tick(6);
    const last = devnet.ledger.chain.slotFor('finalized');
    await until('caught up', () => finalizedAtLeast(db.pool, last));
    await indexer.close();

    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM messages');
    expect(rows[0].n).toBe(5);

    // Reference: a fresh database replaying the whole chain from slot 1, uninterrupted.
    const ref = await database();
    await createCursor(ref.pool, 'choir', 0n, identity(devnet));
    const reference = launch(devnet, ref);
    await until('reference caught up', () => finalizedAtLeast(ref.pool, last));
    await reference.close();
    expect(await snapshot(db.pool)).toEqual(await snapshot(ref.pool));
    const events = await readEventsAfter(db.pool, 0n);
    expect(events.filter((e) => e.type === 'MessagePublished')).toHaveLength(5);
    const divested = events.filter((e) => e.type === 'Divested');
    expect(divested).toHaveLength(1);
    // The divest accounting reaches analysts: the co-author's withdrawn amount is what the Divested event paid,
    // its entitlement covers it, the other co-author withdrew nothing.
    const { rows: shares } = await db.pool.query(
      'SELECT pubkey, entitlement, withdrawn FROM thread_co_authors WHERE thread_address = $1 ORDER BY position',
      [thread.toBase58()],
    );
    expect(shares[0]).toMatchObject({
      pubkey: chain.payer.publicKey.toBase58(),
      withdrawn: divested[0]?.payload.amount,
    });
    expect(BigInt(shares[0].entitlement)).toBeGreaterThanOrEqual(BigInt(shares[0].withdrawn));
    expect(BigInt(shares[0].withdrawn)).toBeGreaterThan(0n);
    expect(shares[1]).toMatchObject({ withdrawn: '0', entitlement: shares[0].entitlement });
  });

  it('heals a slot the provider lost: the gap is found, the slot replayed, the database equals an uninterrupted run', async () => {
    const { devnet, chain } = env;
    // Both indexers start from the same cursor (no backfill), so only what follows is compared.
    const from = BigInt(devnet.ledger.chain.openSlot - 1);
    const db = await database();
    await createCursor(db.pool, 'choir', from, identity(devnet));
    const indexer = launch(devnet, db);
    await until('streaming', () => indexer.status().state === 'streaming');
    const second = Keypair.generate();
    chain.fund(second.publicKey);
    const thread = chain.createThread([chain.payer, second]);
    chain.submitMessage(thread, 'before the lost slot');
    devnet.tick();

    const lost = devnet.faults.loseSlotFromStreams();
    const inLost = chain.submitMessage(thread, `in the lost slot ${lost}`);
    chain.submitMessage(thread, 'also in the lost slot', second);
    devnet.tick();
    chain.submitMessage(thread, 'after the lost slot');
    devnet.tick(4);
    const last = devnet.ledger.chain.slotFor('finalized');
    await until('caught up', () => finalizedAtLeast(db.pool, last));
    await indexer.close();
    expect(indexer.status().gapsHealed).toBeGreaterThanOrEqual(1);
    const { rows } = await db.pool.query('SELECT slot::int FROM messages WHERE address = $1', [inLost]);
    expect(rows).toEqual([{ slot: lost }]);

    const ref = await database();
    await createCursor(ref.pool, 'choir', from, identity(devnet));
    const reference = launch(devnet, ref);
    await until('reference caught up', () => finalizedAtLeast(ref.pool, last));
    await reference.close();
    expect(reference.status().gapsHealed).toBe(0);
    const healed = await snapshot(db.pool);
    const uninterrupted = await snapshot(ref.pool);
    // Every row is identical. The chain's events are too, in the same order; only status-derived CommitmentChanged
    // events sit where the provider delivered their status: a confirmation of the slot before the lost one arrived
    // ahead of the lost slot's updates (nothing can tell that a slot is missing until the next one names it).
    const { events: healedEvents, ...healedRows } = healed;
    const { events: uninterruptedEvents, ...uninterruptedRows } = uninterrupted;
    expect(healedRows).toEqual(uninterruptedRows);
    const chainEvents = (events: unknown[]) =>
      (events as { type: string; sequence: string; thread_sequence: string }[])
        .filter((e) => e.type !== 'CommitmentChanged')
        .map(({ sequence: _s, thread_sequence: _t, ...e }) => e);
    expect(chainEvents(healedEvents ?? [])).toEqual(chainEvents(uninterruptedEvents ?? []));
    const commitments = (events: unknown[]) =>
      (events as { type: string; slot: string; payload: { commitment: string; contentHashes: string[] } }[])
        .filter((e) => e.type === 'CommitmentChanged')
        .map((e) => `${e.slot} ${e.payload.commitment}`)
        .sort();
    expect(new Set(commitments(healedEvents ?? []))).toEqual(new Set(commitments(uninterruptedEvents ?? [])));
    const sequences = (healedEvents as { sequence: string }[]).map((e) => Number(e.sequence));
    expect(sequences).toEqual(sequences.map((_, i) => sequences[0]! + i)); // no hole, no duplicate
  });

  it('rolls back a forked slot: processed rows appear, then go, with a Retracted event', async () => {
    const { devnet, chain } = env;
    const db = await database();
    const indexer = launch(devnet, db);
    await until('streaming', () => indexer.status().state === 'streaming');
    const thread = chain.createThread();
    const other = chain.createThread();
    const text = `forked ${Math.random()}`;
    // The same content in another thread, final before the fork: the rollback must leave it alone.
    const kept = chain.submitMessage(other, text);
    devnet.tick(4);
    const address = chain.submitMessage(thread, text);
    await until('processed row', async () => {
      const { rows } = await db.pool.query('SELECT commitment FROM messages WHERE address = $1', [address]);
      return rows[0]?.commitment === 'PROCESSED';
    });
    const dead = devnet.faults.abandonSlot();
    await until(
      'rolled back',
      async () => (await db.pool.query('SELECT 1 FROM messages WHERE address = $1', [address])).rowCount === 0,
    );
    const { rows: survivor } = await db.pool.query('SELECT thread_address FROM messages WHERE address = $1', [kept]);
    expect(survivor).toEqual([{ thread_address: other.toBase58() }]);
    const events = await readEventsAfter(db.pool, 0n);
    const published = events.find((e) => e.type === 'MessagePublished' && e.payload.messageAddress === address);
    const retracted = events.find(
      (e) => e.type === 'Retracted' && e.payload.sequence === published?.sequence.toString(),
    );
    expect(retracted).toMatchObject({ slot: BigInt(dead), threadAddress: thread.toBase58() });
    expect(retracted && published && retracted.sequence > published.sequence).toBe(true);
    await indexer.close();
  });

  it('skips and counts garbage in program-owned accounts, and keeps indexing what follows', async () => {
    const { devnet, chain } = env;
    const db = await database();
    const indexer = launch(devnet, db);
    await until('streaming', () => indexer.status().state === 'streaming');
    const program = identity(devnet).programId;
    // Three kinds of garbage a buggy or hostile writer could leave under the program: too short, the right size with
    // an unknown version/kind, and random bytes of a Thread account's size.
    const garbage = [
      Buffer.from([1, 2, 3]),
      Buffer.alloc(168, 0xff),
      Buffer.from(Array.from({ length: 488 }, (_, i) => (i * 7919) % 251)),
    ];
    const garbageKeys = garbage.map(() => Keypair.generate().publicKey.toBase58());
    garbage.forEach((data, i) => {
      devnet.faults.writeAccount({ pubkey: garbageKeys[i]!, owner: program, lamports: 10_000_000, data });
    });
    const thread = chain.createThread();
    devnet.tick();
    await until(
      'the thread after the garbage',
      async () => (await db.pool.query('SELECT 1 FROM threads WHERE address = $1', [thread.toBase58()])).rowCount === 1,
    );
    expect(indexer.status().decodeFailures.account_malformed).toBe(garbage.length);
    expect(indexer.status().state).toBe('streaming');
    const invented = await db.pool.query(
      `SELECT address FROM threads WHERE address = ANY($1)
       UNION ALL SELECT address FROM messages WHERE address = ANY($1)`,
      [garbageKeys],
    );
    expect(invented.rows).toEqual([]);
    await indexer.close();
  });
});
