import { beforeEach, describe, expect, it } from 'vitest';
import type { StreamUpdate } from '../../indexer/decode/types.js';
import { createCursor } from '../../indexer/write/cursor.js';
import { writeBatch } from '../../indexer/write/write-batch.js';
import { compareCodeUnits } from '../../src/db/lock-order.js';
import { readEventsAfter } from '../../src/events/index.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { snapshot } from './db-snapshot.js';
import {
  divestTx,
  hashHex,
  key,
  messageUpdate,
  newMessage,
  newThread,
  resetWriteVersion,
  slotUpdate,
  threadUpdate,
} from './fixtures.js';

const STREAM = 'test';
const identity = { genesisHash: 'genesis', programId: 'program' };

/** A small history: a thread, a message, a spec approved by both co-authors (the author joins), a divest. */
function scenario(): StreamUpdate[] {
  const creator = key();
  const second = key();
  const t = newThread(creator, [creator, second]);
  const m = newMessage(t, 'hello');
  const s = newMessage(t, 'a spec', 'spec');
  s.author = key();
  const out: StreamUpdate[] = [threadUpdate(t, 10)];
  t.messageCount = 1n;
  out.push(threadUpdate(t, 10), messageUpdate(m, 10), slotUpdate(10, 'processed'));
  t.specCount = 1n;
  out.push(threadUpdate(t, 11), messageUpdate(s, 11));
  s.approvals = 1;
  out.push(messageUpdate(s, 11), slotUpdate(11, 'processed'), slotUpdate(10, 'confirmed'));
  s.approvals = 3;
  s.status = 'Approved';
  t.coAuthors = [creator, second, s.author];
  t.messageCount = 2n;
  out.push(threadUpdate(t, 12), messageUpdate(s, 12), divestTx(t, second, 12, 500n, 'divest-sig'));
  out.push(slotUpdate(12, 'processed'), slotUpdate(11, 'confirmed'), slotUpdate(10, 'finalized'));
  return out;
}

describe('writeBatch on real Postgres (synthetic updates)', () => {
  const { pool } = useMigratedPool({ max: 4 });
  beforeEach(async () => {
    await pool.query(
      'TRUNCATE threads, thread_co_authors, messages, votes, events, indexer_cursors, indexer_slots, indexer_undo, outbox CASCADE',
    );
    await createCursor(pool, STREAM, 0n, identity);
    resetWriteVersion();
  });

  it('turns account updates into rows and causally ordered events', async () => {
    const updates = scenario();
    await writeBatch(pool, STREAM, updates, 11n);
    const events = await readEventsAfter(pool, 0n);
    expect(events.map((e) => e.type)).toEqual([
      'ThreadCreated',
      'MessagePublished',
      'SpecSubmitted',
      'VoteCast',
      'CommitmentChanged', // slot 10 confirmed (its thread and message)
      'CoAuthorAdded',
      'VoteCast',
      'SpecApproved',
      'Divested',
      // slot 11 confirmed: its rows were all overwritten at slot 12, nothing to promote but the vote
      'CommitmentChanged', // slot 10 finalized
    ]);
    expect(events.map((e) => e.threadSequence)).toEqual(events.map((_, i) => BigInt(i + 1)));
    const divest = events.find((e) => e.type === 'Divested');
    expect(divest).toMatchObject({ txSignature: 'divest-sig', instructionIndex: 0, payload: { amount: '500' } });

    const { rows: threads } = await pool.query('SELECT * FROM threads');
    expect(threads).toHaveLength(1);
    expect(threads[0]).toMatchObject({ message_count: 2, spec_count: 1, slot: '12', commitment: 'PROCESSED' });
    const { rows: coAuthors } = await pool.query('SELECT pubkey, added_slot FROM thread_co_authors ORDER BY position');
    expect(coAuthors.map((c) => c.added_slot)).toEqual(['10', '10', '12']);
    const { rows: messages } = await pool.query(
      'SELECT kind, status, chain_status, commitment, approvals, slot FROM messages ORDER BY kind',
    );
    expect(messages).toEqual([
      {
        kind: 'MESSAGE',
        status: 'FINALIZED',
        chain_status: 'PUBLISHED',
        commitment: 'FINALIZED',
        approvals: 0,
        slot: '10',
      },
      { kind: 'SPEC', status: 'RECORDED', chain_status: 'APPROVED', commitment: 'PROCESSED', approvals: 2, slot: '12' },
    ]);
    const { rows: votes } = await pool.query('SELECT approve, slot, commitment FROM votes ORDER BY slot');
    expect(votes).toEqual([
      { approve: true, slot: '11', commitment: 'CONFIRMED' },
      { approve: true, slot: '12', commitment: 'PROCESSED' },
    ]);
    const { rows: cursor } = await pool.query('SELECT slot, confirmed_slot, finalized_slot FROM indexer_cursors');
    expect(cursor[0]).toEqual({ slot: '11', confirmed_slot: '11', finalized_slot: '10' });
    // Slot 10 is final: its undo images are gone; 11 and 12 can still be retracted.
    const { rows: undo } = await pool.query('SELECT DISTINCT slot FROM indexer_undo ORDER BY slot');
    expect(undo.map((u) => u.slot)).toEqual(['11', '12']);
  });

  it('is idempotent: replaying any stretch changes nothing', async () => {
    const updates = scenario();
    await writeBatch(pool, STREAM, updates, 11n);
    const once = await snapshot(pool);
    await writeBatch(pool, STREAM, updates, 11n);
    await writeBatch(pool, STREAM, updates.slice(3, 9), 11n);
    expect(await snapshot(pool)).toEqual(once);
  });

  it('gives the same database whatever the batch boundaries', async () => {
    const updates = scenario();
    await writeBatch(pool, STREAM, updates, 11n);
    const whole = await snapshot(pool);
    await pool.query(
      'TRUNCATE threads, thread_co_authors, messages, votes, events, indexer_slots, indexer_undo, outbox CASCADE',
    );
    await pool.query(`UPDATE indexer_cursors SET slot = 0, confirmed_slot = NULL, finalized_slot = NULL`);
    // Overlapping batches, as after a crash and a replay from the cursor.
    for (let i = 0; i < updates.length; i += 2)
      await writeBatch(pool, STREAM, updates.slice(Math.max(0, i - 3), i + 2), null);
    await pool.query(`UPDATE indexer_cursors SET slot = 11`);
    expect(await snapshot(pool)).toEqual(whole);
  });

  it('rolls back a dead slot: its rows disappear or revert, and every event it caused is Retracted', async () => {
    const t = newThread();
    const m = newMessage(t, 'backend message');
    // The backend accepted and recorded this message before the chain showed it.
    await writeBatch(pool, STREAM, [threadUpdate(t, 20), slotUpdate(20, 'processed')], null);
    await pool.query(
      `INSERT INTO messages (address, content_hash, thread_address, author, content, status)
       VALUES ($1, $2, $3, $4, 'backend message', 'RECORDED')`,
      [m.address, hashHex(m), t.address, t.creator],
    );
    const before = await snapshot(pool);
    const other = newMessage(t, 'only on chain');
    other.index = 1n;
    t.messageCount = 2n;
    const fork = [threadUpdate(t, 21), messageUpdate(m, 21), messageUpdate(other, 21)];
    await writeBatch(pool, STREAM, fork, null);
    const { rows: processed } = await pool.query('SELECT content_hash, status, slot FROM messages ORDER BY slot');
    expect(processed).toHaveLength(2);
    expect(processed.every((r) => r.slot === '21')).toBe(true);

    await writeBatch(pool, STREAM, [slotUpdate(21, 'dead')], null);
    const after = await snapshot(pool);
    expect(after.threads).toEqual(before.threads);
    expect(after.messages).toEqual(before.messages);
    expect(after.indexer_undo).toEqual(before.indexer_undo);
    const events = await readEventsAfter(pool, 0n);
    expect(events.map((e) => e.type)).toEqual([
      'ThreadCreated',
      'MessagePublished',
      'MessagePublished',
      'Retracted',
      'Retracted',
    ]);
    expect(events.slice(3).map((e) => e.payload.sequence)).toEqual(['3', '2']);
    // The backend message's vector point goes back to its pre-fork status.
    const { rows: work } = await pool.query(`SELECT key, payload FROM outbox WHERE key = $1`, [`message:${m.address}`]);
    expect(work[0]?.payload.patch).toEqual({ status: 'RECORDED', slot: 0 });

    // A replay of the dead slot (the stream resent it) and its status again change nothing.
    await writeBatch(pool, STREAM, [...fork, slotUpdate(21, 'dead')], null);
    const replayed = await snapshot(pool);
    expect(replayed.messages).toEqual(after.messages);
    expect(replayed.events).toEqual(after.events);
  });

  it('confirms a recorded message: pipeline status, commitment, CommitmentChanged and a payload update', async () => {
    const t = newThread();
    const m = newMessage(t, 'kept');
    await writeBatch(pool, STREAM, [threadUpdate(t, 30), slotUpdate(30, 'processed')], null);
    await pool.query(
      `INSERT INTO messages (address, content_hash, thread_address, author, content, status)
       VALUES ($1, $2, $3, $4, 'kept', 'RECORDED')`,
      [m.address, hashHex(m), t.address, t.creator],
    );
    await writeBatch(pool, STREAM, [messageUpdate(m, 31), slotUpdate(31, 'processed')], null);
    await writeBatch(pool, STREAM, [slotUpdate(31, 'confirmed')], null);
    const { rows } = await pool.query('SELECT status, commitment, content FROM messages');
    expect(rows[0]).toEqual({ status: 'CONFIRMED', commitment: 'CONFIRMED', content: 'kept' });
    const events = await readEventsAfter(pool, 0n);
    expect(events.at(-1)).toMatchObject({
      type: 'CommitmentChanged',
      payload: { slot: '31', commitment: 'CONFIRMED', messageAddresses: [m.address], contentHashes: [hashHex(m)] },
    });
    const { rows: work } = await pool.query(`SELECT payload FROM outbox WHERE key = $1`, [`message:${m.address}`]);
    expect(work[0]?.payload.patch).toEqual({ status: 'CONFIRMED', slot: 31 });
  });

  it('keeps the same content posted in two threads as two messages, each with its votes and events', async () => {
    const bCreator = key();
    const [a, b] = [newThread(), newThread(bCreator, [bCreator, key()])];
    const inA = newMessage(a, '+1', 'spec');
    const inB = newMessage(b, '+1', 'spec');
    expect(hashHex(inA)).toBe(hashHex(inB));
    a.specCount = 1n;
    b.specCount = 1n;
    await writeBatch(
      pool,
      STREAM,
      [threadUpdate(a, 50), threadUpdate(b, 50), messageUpdate(inA, 51), messageUpdate(inB, 51)],
      null,
    );
    inA.approvals = 1;
    inB.denials = 1;
    await writeBatch(pool, STREAM, [messageUpdate(inA, 52), messageUpdate(inB, 52), slotUpdate(52, 'processed')], null);

    const { rows: messages } = await pool.query(
      'SELECT address, thread_address, content_hash, approvals, denials FROM messages ORDER BY thread_address COLLATE "C"',
    );
    expect(messages).toEqual(
      [
        { address: inA.address, thread_address: a.address, content_hash: hashHex(inA), approvals: 1, denials: 0 },
        { address: inB.address, thread_address: b.address, content_hash: hashHex(inB), approvals: 0, denials: 1 },
      ].sort((x, y) => compareCodeUnits(x.thread_address, y.thread_address)),
    );
    const { rows: votes } = await pool.query('SELECT message_address, approve FROM votes ORDER BY approve');
    expect(votes).toEqual([
      { message_address: inB.address, approve: false },
      { message_address: inA.address, approve: true },
    ]);
    const events = await readEventsAfter(pool, 0n);
    for (const [t, m] of [
      [a, inA],
      [b, inB],
    ] as const) {
      const own = events.filter((e) => e.threadAddress === t.address).map((e) => [e.type, e.payload.messageAddress]);
      expect(own).toEqual([
        ['ThreadCreated', undefined],
        ['SpecSubmitted', m.address],
        ['VoteCast', m.address],
      ]);
    }

    // A fork that retracts a vote in one thread leaves the other thread's message and vote alone.
    inB.denials = 0b11;
    await writeBatch(pool, STREAM, [messageUpdate(inB, 53), slotUpdate(53, 'processed')], null);
    await writeBatch(pool, STREAM, [slotUpdate(53, 'dead')], null);
    const { rows: after } = await pool.query(
      'SELECT address, approvals, denials FROM messages ORDER BY address COLLATE "C"',
    );
    expect(after).toEqual(
      [
        { address: inA.address, approvals: 1, denials: 0 },
        { address: inB.address, approvals: 0, denials: 1 },
      ].sort((x, y) => compareCodeUnits(x.address, y.address)),
    );
    expect((await pool.query('SELECT count(*)::int AS n FROM votes')).rows[0].n).toBe(2);
  });

  it('gives a message first seen behind the confirmed or finalized slot that pipeline status at once', async () => {
    // A backfill, or a replay behind the cursor's confirmed slot: no later status will promote these rows.
    await pool.query(`UPDATE indexer_cursors SET confirmed_slot = 70, finalized_slot = 65`);
    const t = newThread();
    const [old, recent, live] = [newMessage(t, 'final'), newMessage(t, 'confirmed'), newMessage(t, 'processed')];
    await writeBatch(
      pool,
      STREAM,
      [threadUpdate(t, 60), messageUpdate(old, 61), messageUpdate(recent, 68), messageUpdate(live, 72)],
      null,
    );
    const { rows } = await pool.query('SELECT address, status, commitment FROM messages');
    const by = new Map(rows.map((r) => [r.address, [r.status, r.commitment]]));
    expect(by.get(old.address)).toEqual(['FINALIZED', 'FINALIZED']);
    expect(by.get(recent.address)).toEqual(['CONFIRMED', 'CONFIRMED']);
    expect(by.get(live.address)).toEqual(['RECORDED', 'PROCESSED']);
  });

  it('skips a message whose thread it has never seen, and counts it', async () => {
    const t = newThread();
    const out = await writeBatch(pool, STREAM, [messageUpdate(newMessage(t, 'orphan'), 40)], null);
    expect(out.orphans).toBe(1);
    expect((await pool.query('SELECT count(*)::int AS n FROM messages')).rows[0].n).toBe(0);
  });
});
