/**
 * Backfill with signatures, on the real devnet and real Postgres: after a workload of threads, messages, a spec
 * approved by two votes (its author joins the co-authors), a spec denied, two messages in one transaction and a
 * divest, an indexer that must backfill (first start) ends with the rows a live-streamed indexer records —
 * signatures, instruction indexes, slots and vote rows included — and with the same events (Divested too).
 * Backfill again, or replay the stream over the backfilled slots: nothing changes. Malformed RPC data is skipped
 * and counted.
 */
import { createHash } from 'node:crypto';
import { Keypair, Transaction } from '@solana/web3.js';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../indexer/backfill/backfill.js';
import { rpcHistory } from '../../indexer/backfill/backfill-history.js';
import { FINAL_WRITE_VERSION } from '../../indexer/backfill/backfill-steps.js';
import { decodeRpcTransaction, getProgramAccounts, getTransaction } from '../../indexer/source/rpc.js';
import { createCursor, readCursor } from '../../indexer/write/cursor.js';
import {
  CHOIR_PROGRAM_ID,
  divestInstruction,
  submitMessageInstruction,
  submitSpecInstruction,
  voteInstruction,
} from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { decodeTransaction } from '../../src/devnet/ledger/wire.js';
import { useMigratedDatabases } from '../support/migrated-pool.js';
import { snapshot } from './db-snapshot.js';
import { ChainDriver, startTestDevnet } from './devnet-driver.js';
import { finalizedAtLeast, identity, launch, until } from './harness.js';

const PROGRAM = CHOIR_PROGRAM_ID.toBase58();
const hashOf = (text: string) => createHash('sha256').update(text).digest();

/** The chain rows without what legitimately differs (write versions: real vs backfill's). */
async function chainRows(pool: pg.Pool) {
  const all = await snapshot(pool);
  const strip = (rows: unknown[]) =>
    rows.map((r) => {
      const { write_version: _w, ...rest } = r as Record<string, unknown>;
      return rest;
    });
  return {
    threads: strip(all.threads ?? []),
    thread_co_authors: all.thread_co_authors,
    messages: strip(all.messages ?? []),
    votes: all.votes,
  };
}

/** Events but commitment changes (backfill does not replay old slot statuses), in log order. */
async function chainEvents(pool: pg.Pool) {
  const { rows } = await pool.query(
    `SELECT type, thread_address, slot, tx_signature, instruction_index, payload FROM events
      WHERE type <> 'CommitmentChanged' ORDER BY sequence`,
  );
  return rows;
}

describe('backfill with signatures', () => {
  let devnet: Devnet;
  let chain: ChainDriver;
  let last = 0;
  let divestSignature = '';
  const database = useMigratedDatabases();

  beforeAll(async () => {
    devnet = await startTestDevnet();
    chain = new ChainDriver(devnet);
    const second = Keypair.generate();
    const third = Keypair.generate();
    const fourth = Keypair.generate();
    for (const k of [chain.payer, second, third, fourth]) chain.fund(k.publicKey);
    devnet.tick();
    const thread = chain.createThread([chain.payer, second]);
    chain.submitMessage(thread, 'hello');
    devnet.tick();
    // Two messages in one transaction: instruction indexes 0 and 1.
    sendMany(chain, [
      submitMessageInstruction({
        payer: chain.payer.publicKey,
        author: chain.payer.publicKey,
        thread,
        contentHash: hashOf('one'),
      }),
      submitMessageInstruction({
        payer: chain.payer.publicKey,
        author: chain.payer.publicKey,
        thread,
        contentHash: hashOf('two'),
      }),
    ]);
    devnet.tick();
    // A spec by a non-co-author, approved by both co-authors in two slots: the author joins.
    const spec = hashOf('spec approved');
    chain.send(submitSpecInstruction({ author: third.publicKey, thread, contentHash: spec, stake: 1_000n }), third);
    devnet.tick();
    chain.send(voteInstruction({ voter: chain.payer.publicKey, thread, contentHash: spec, approve: true }));
    devnet.tick();
    const payees = [chain.payer.publicKey, second.publicKey];
    chain.send(voteInstruction({ voter: second.publicKey, thread, contentHash: spec, approve: true, payees }), second);
    devnet.tick();
    // A spec denied (same slot as its submission).
    const denied = hashOf('spec denied');
    chain.send(submitSpecInstruction({ author: fourth.publicKey, thread, contentHash: denied, stake: 1_000n }), fourth);
    chain.send(voteInstruction({ voter: second.publicKey, thread, contentHash: denied, approve: false }), second);
    devnet.tick();
    // Another thread, then money into the first and a divest.
    const other = chain.createThread([second, chain.payer]);
    chain.submitMessage(other, 'other thread', second);
    chain.fund(thread, 5_000_000n);
    devnet.tick();
    divestSignature = chain.send(divestInstruction({ coAuthor: chain.payer.publicKey, thread })).record.signature;
    devnet.tick(4);
    last = devnet.ledger.chain.slotFor('finalized');
  });
  afterAll(async () => {
    await devnet.close();
  });

  it('a first start backfills the rows and events a live-streamed run records, and is idempotent', async () => {
    // Reference: streamed live from slot 1.
    const ref = await database();
    await createCursor(ref.pool, 'choir', 0n, identity(devnet));
    const live = launch(devnet, ref);
    await until('reference caught up', () => finalizedAtLeast(ref.pool, last));
    await live.close();

    // First start: no cursor, so the indexer backfills from RPC, then streams from the snapshot slot.
    const db = await database();
    const indexer = launch(devnet, db);
    await until('backfilled', async () => (await readCursor(db.pool, 'choir')) !== null);
    devnet.tick(3);
    const end = devnet.ledger.chain.slotFor('finalized');
    await until('caught up', () => finalizedAtLeast(db.pool, end));
    await indexer.close();
    const backfilled = await readCursor(db.pool, 'choir');
    expect(backfilled?.slot).toBeGreaterThanOrEqual(BigInt(last));

    const rows = await chainRows(db.pool);
    expect(rows.messages.length).toBe(6);
    for (const r of [...rows.threads, ...rows.messages, ...(rows.votes ?? [])] as Record<string, unknown>[]) {
      expect(r.tx_signature).toEqual(expect.any(String));
      expect(r.instruction_index).toEqual(expect.any(Number));
    }
    expect(rows).toEqual(await chainRows(ref.pool));
    expect((rows.messages as { instruction_index: number }[]).some((m) => m.instruction_index === 1)).toBe(true);
    const events = await chainEvents(db.pool);
    expect(events).toEqual(await chainEvents(ref.pool));
    expect(events.filter((e) => e.type === 'Divested')).toEqual([
      expect.objectContaining({ tx_signature: divestSignature, instruction_index: 0 }),
    ]);
    expect(events.filter((e) => e.type === 'CoAuthorAdded')).toHaveLength(1);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'ThreadCreated',
        'MessagePublished',
        'SpecSubmitted',
        'VoteCast',
        'SpecApproved',
        'SpecRejected',
        'CoAuthorAdded',
        'Divested',
      ]),
    );

    // Backfill again (a restart that must backfill) — nothing changes, and indexed signatures are not refetched.
    const before = await snapshot(db.pool);
    const eventsBefore = (await db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
    const again = await backfill(
      db.pool,
      'choir',
      identity(devnet),
      await getProgramAccounts(devnet.rpcUrl, PROGRAM),
      () => {},
      { history: rpcHistory(devnet.rpcUrl, PROGRAM) },
    );
    expect(again.alreadyIndexed).toBeGreaterThan(0);
    expect(again.transactions).toBeLessThan(again.signatures);
    expect(await snapshot(db.pool)).toEqual(before);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(eventsBefore);

    // A stream replay of every backfilled slot: nothing changes either.
    await db.pool.query('UPDATE indexer_cursors SET slot = 0');
    const replay = launch(devnet, db);
    const cursorNow = (await readCursor(db.pool, 'choir'))?.slot ?? 0n;
    await until('replayed', async () => ((await readCursor(db.pool, 'choir'))?.slot ?? 0n) >= BigInt(end));
    await replay.close();
    expect(cursorNow).toBe(0n);
    expect(await snapshot(db.pool)).toEqual(before);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(eventsBefore);
  });

  it('skips and counts malformed RPC data, and still backfills the rest', async () => {
    const db = await database();
    const history = rpcHistory(devnet.rpcUrl, PROGRAM);
    const skipped: string[] = [];
    let broken = '';
    const result = await backfill(
      db.pool,
      'choir',
      identity(devnet),
      await getProgramAccounts(devnet.rpcUrl, PROGRAM),
      (reason) => skipped.push(reason),
      {
        history: {
          async signatures(before, limit) {
            const page = await history.signatures(before, limit);
            return { ...page, received: page.received + 1, malformed: [...page.malformed, 'signature entry {}'] };
          },
          async transaction(signature) {
            if (signature === divestSignature) {
              broken = signature;
              return decodeRpcTransaction(signature, {
                slot: 1,
                meta: {},
                transaction: { message: { instructions: 7 } },
              });
            }
            return history.transaction(signature);
          },
        },
      },
    );
    expect(broken).toBe(divestSignature);
    expect(result.malformed).toBeGreaterThanOrEqual(2);
    expect(skipped.filter((r) => r === 'update_malformed').length).toBe(result.malformed);
    // The divest's transaction was skipped: no Divested; everything else is there, with provenance.
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'Divested'`);
    expect(rows[0].n).toBe(0);
    const messages = await db.pool.query('SELECT tx_signature FROM messages');
    expect(messages.rows).toHaveLength(6);
    expect(messages.rows.every((r) => typeof r.tx_signature === 'string')).toBe(true);
  });

  it('with history cut short by the cap: every account still lands (no orphan), the newest with provenance; logs progress', async () => {
    const db = await database();
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const result = await backfill(
      db.pool,
      'choir',
      identity(devnet),
      await getProgramAccounts(devnet.rpcUrl, PROGRAM),
      () => {},
      { history: rpcHistory(devnet.rpcUrl, PROGRAM), maxSignatures: 2, progressEvery: 1, logger },
    );
    expect(result.signatures).toBe(2);
    expect(result.skipped).toBe(0);
    expect(result.withProvenance).toBeGreaterThan(0);
    expect(result.withProvenance).toBeLessThan(8);
    const { rows } = await db.pool.query(
      `SELECT tx_signature, write_version FROM threads UNION ALL SELECT tx_signature, write_version FROM messages`,
    );
    expect(rows).toHaveLength(8);
    // Every row is its account's final state, provenance known or not (a replay of its slot never steps it back).
    for (const r of rows) expect(r.write_version).toBe(String(FINAL_WRITE_VERSION));
    expect(rows.filter((r) => r.tx_signature === null)).toHaveLength(8 - result.withProvenance);
    expect(lines.some((l) => l.msg === 'backfill: listing signatures')).toBe(true);
    expect(lines.some((l) => l.msg === 'backfill: fetching transactions')).toBe(true);
  });

  it('decodes getTransaction in json and base64 alike, and rejects garbage without throwing', async () => {
    const json = await getTransaction(devnet.rpcUrl, divestSignature, 'json');
    const base64 = await getTransaction(devnet.rpcUrl, divestSignature, 'base64');
    expect(typeof json).toBe('object');
    expect(json).toEqual(base64);
    expect(await getTransaction(devnet.rpcUrl, '1'.repeat(64), 'json')).toBeNull();
    for (const garbage of [
      null,
      42,
      { slot: -1 },
      { slot: 3, meta: { preBalances: [], postBalances: [] }, transaction: ['###', 'base64'] },
      { slot: 3, meta: { preBalances: [], postBalances: [] }, transaction: { message: { accountKeys: ['x'] } } },
      {
        slot: 3,
        meta: { preBalances: [1], postBalances: [1] },
        transaction: {
          message: { accountKeys: [PROGRAM], instructions: [{ programIdIndex: 9, accounts: [], data: '' }] },
        },
      },
      {
        slot: 3,
        meta: { preBalances: ['a'], postBalances: [1] },
        transaction: { message: { accountKeys: [PROGRAM], instructions: [] } },
      },
    ]) {
      expect(typeof decodeRpcTransaction('sig', garbage)).toBe('string');
    }
    expect(FINAL_WRITE_VERSION).toBe(2n ** 63n - 1n);
  });
});

describe('backfill without history of a slot with several writes, then a stream replay of that slot', () => {
  let devnet: Devnet;
  let chain: ChainDriver;
  let specSlot = 0;
  const database = useMigratedDatabases();

  beforeAll(async () => {
    devnet = await startTestDevnet();
    chain = new ChainDriver(devnet);
    const second = Keypair.generate();
    const third = Keypair.generate();
    for (const k of [chain.payer, second, third]) chain.fund(k.publicKey);
    devnet.tick();
    const thread = chain.createThread([chain.payer, second]);
    devnet.tick();
    // One slot, three writes to the spec (submitted, voted, voted: approved) and the approving vote writes the
    // thread too (its author joins the co-authors).
    const spec = hashOf('spec approved in one slot');
    const payees = [chain.payer.publicKey, second.publicKey];
    const slots = [
      chain.send(submitSpecInstruction({ author: third.publicKey, thread, contentHash: spec, stake: 1_000n }), third),
      chain.send(voteInstruction({ voter: chain.payer.publicKey, thread, contentHash: spec, approve: true })),
      chain.send(
        voteInstruction({ voter: second.publicKey, thread, contentHash: spec, approve: true, payees }),
        second,
      ),
    ].map((out) => out.record.slot);
    expect(new Set(slots).size).toBe(1);
    specSlot = slots[0] as number;
    devnet.tick(4);
  });
  afterAll(async () => {
    await devnet.close();
  });

  it('applies the snapshot as the final state of its updated slot: a replay of that slot adds no event, changes no row', async () => {
    // First start with INDEXER_BACKFILL_SIGNATURES=0 (accounts only: no history reaches the spec's slot), then stream
    // until finalized (the rows' commitment changes are recorded before the replay).
    const db = await database();
    const indexer = launch(devnet, db, { env: { INDEXER_BACKFILL_SIGNATURES: '0' } });
    await until('backfilled', async () => (await readCursor(db.pool, 'choir')) !== null);
    devnet.tick(3);
    const end = devnet.ledger.chain.slotFor('finalized');
    await until('caught up', () => finalizedAtLeast(db.pool, end));
    await indexer.close();
    const message = await db.pool.query('SELECT chain_status, slot, tx_signature FROM messages');
    expect(message.rows).toEqual([{ chain_status: 'APPROVED', slot: String(specSlot), tx_signature: null }]);
    const thread = await db.pool.query('SELECT slot, tx_signature FROM threads');
    expect(thread.rows).toEqual([{ slot: String(specSlot), tx_signature: null }]);
    // Applied at once, the thread is created with its three co-authors (no CoAuthorAdded).
    expect((await chainEvents(db.pool)).map((e) => e.type)).toEqual([
      'ThreadCreated',
      'SpecSubmitted',
      'VoteCast',
      'VoteCast',
      'SpecApproved',
    ]);
    const before = await snapshot(db.pool);

    // Replay the stream from just before the spec's slot: its three writes are not newer than the snapshot row.
    await db.pool.query('UPDATE indexer_cursors SET slot = $1', [specSlot - 1]);
    const replay = launch(devnet, db);
    await until('replayed', async () => ((await readCursor(db.pool, 'choir'))?.slot ?? 0n) >= BigInt(end));
    await replay.close();
    const after = await snapshot(db.pool);
    expect(
      (after.events as { type: string }[]).slice(before.events?.length).map((e) => e.type),
      'events the replay added',
    ).toEqual([]);
    expect(after).toEqual(before);
  });
});

function sendMany(chain: ChainDriver, instructions: ReturnType<typeof submitMessageInstruction>[]) {
  const devnet = chain.devnet;
  const tx = new Transaction({
    feePayer: chain.payer.publicKey,
    recentBlockhash: devnet.ledger.chain.latestBlockhash('processed').blockhash,
  }).add(...instructions);
  tx.sign(chain.payer);
  const out = devnet.ledger.send(decodeTransaction(tx.serialize()));
  if (!out.landed || out.record.err !== null) throw new Error('transaction failed');
  return out;
}
