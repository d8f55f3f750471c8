// The message identity migration upgrades a database an older build wrote (messages keyed by content hash) and
// loses no row: every message gets its record address (the indexed one, or computed in SQL exactly as the program
// client's findMessageAddress does), votes, the undo log, the outbox and the event log follow.
import { Keypair, PublicKey } from '@solana/web3.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMessageAddress } from '../../programs/choir/client/index.js';
import { applyMigrations, shippedMigrations } from '../../src/db/migrations.js';
import { createEmptyDatabase, type TestDatabase } from '../support/postgres.js';

const BEFORE = '20261128060000_hot_promotions';
const hex = (seed: string) => Buffer.from(seed.padEnd(32, '.')).toString('hex');
const key = () => Keypair.generate().publicKey.toBase58();

describe('upgrading a database written with content-hash identity', () => {
  let db: TestDatabase;
  let client: pg.Client;
  const thread = key();
  const creator = key();
  const voter = key();
  const indexed = { hash: hex('indexed message'), record: key() };
  const spec = { hash: hex('indexed spec'), record: key() };
  const pending = { hash: hex('backend-only message') };

  beforeAll(async () => {
    db = await createEmptyDatabase();
    expect(shippedMigrations()).toContain(BEFORE);
    await applyMigrations(db.url, { upTo: BEFORE });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // What the previous build wrote: a thread, two indexed messages (one a spec with a vote), one message the
    // backend holds that the chain has not shown (no record address), plus undo images, outbox work and events.
    await client.query(
      `INSERT INTO threads (address, thread_id, creator, content_root, slot, commitment)
       VALUES ($1, repeat('a', 64), $2, repeat('0', 64), 10, 'PROCESSED')`,
      [thread, creator],
    );
    await client.query(
      `INSERT INTO messages (content_hash, thread_address, author, kind, status, chain_status, record_address, slot,
                             commitment, index_in_thread)
       VALUES ($1, $3, $4, 'MESSAGE', 'RECORDED', 'PUBLISHED', $2, 11, 'PROCESSED', 0),
              ($5, $3, $4, 'SPEC', 'RECORDED', 'PENDING', $6, 12, 'PROCESSED', 0)`,
      [indexed.hash, indexed.record, thread, creator, spec.hash, spec.record],
    );
    await client.query(
      `INSERT INTO messages (content_hash, thread_address, author, content, status) VALUES ($1, $2, $3, 'hi', 'STORED')`,
      [pending.hash, thread, creator],
    );
    await client.query(`INSERT INTO votes (message_hash, voter, approve, slot) VALUES ($1, $2, true, 12)`, [
      spec.hash,
      voter,
    ]);
    await client.query(
      `INSERT INTO indexer_undo (stream, slot, table_name, row_key, image) VALUES
         ('choir', 12, 'messages', $1, NULL),
         ('choir', 12, 'votes', $1 || ':' || $2, NULL),
         ('choir', 11, 'messages', $3, jsonb_build_object('contentHash', $3::text, 'threadAddress', $4::text,
                                                          'recordAddress', $5::text, 'status', 'STORED'))`,
      [spec.hash, voter, indexed.hash, thread, indexed.record],
    );
    await client.query(
      `INSERT INTO outbox (kind, key, payload) VALUES
         ('vector.payload', 'message:' || $1, jsonb_build_object('contentHashes', jsonb_build_array($1::text),
                                                                  'patch', jsonb_build_object('status', 'RECORDED', 'slot', 11))),
         ('vector.payload', 'thread:' || $2, jsonb_build_object('threadId', $2::text, 'patch', '{}'::jsonb))`,
      [indexed.hash, thread],
    );
    await client.query(
      `INSERT INTO events (thread_address, thread_sequence, type, payload, slot) VALUES
         ($1, 1, 'ThreadCreated', jsonb_build_object('creator', $2::text), 10),
         ($1, 2, 'MessagePublished', jsonb_build_object('contentHash', $3::text, 'index', 0), 11),
         ($1, 3, 'CommitmentChanged', jsonb_build_object('slot', '12', 'contentHashes', jsonb_build_array($4::text, $3::text)), 12)`,
      [thread, creator, indexed.hash, spec.hash],
    );
    await client.end();
    await applyMigrations(db.url);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('keeps every message, keyed by its record address (computed for the one the chain has not shown)', async () => {
    const { rows } = await client.query(
      'SELECT address, content_hash, thread_address, status, content FROM messages ORDER BY index_in_thread, kind',
    );
    expect(rows).toHaveLength(3);
    const byHash = new Map(rows.map((r) => [r.content_hash, r]));
    expect(byHash.get(indexed.hash)?.address).toBe(indexed.record);
    expect(byHash.get(spec.hash)?.address).toBe(spec.record);
    const [expected] = findMessageAddress(new PublicKey(thread), Buffer.from(pending.hash, 'hex'));
    expect(byHash.get(pending.hash)).toMatchObject({ address: expected.toBase58(), content: 'hi', status: 'STORED' });
  });

  it('re-points votes at the message address', async () => {
    const { rows } = await client.query('SELECT message_address, voter, approve FROM votes');
    expect(rows).toEqual([{ message_address: spec.record, voter, approve: true }]);
  });

  it('re-keys the undo log, the outbox and enriches event payloads', async () => {
    const undo = await client.query('SELECT table_name, row_key, image FROM indexer_undo ORDER BY slot, table_name');
    expect(undo.rows).toEqual([
      {
        table_name: 'messages',
        row_key: indexed.record,
        image: { contentHash: indexed.hash, threadAddress: thread, address: indexed.record, status: 'STORED' },
      },
      { table_name: 'messages', row_key: spec.record, image: null },
      { table_name: 'votes', row_key: `${spec.record}:${voter}`, image: null },
    ]);
    const outbox = await client.query(`SELECT key, payload FROM outbox ORDER BY key`);
    expect(outbox.rows[0]).toEqual({
      key: `message:${indexed.record}`,
      payload: { messageAddresses: [indexed.record], patch: { status: 'RECORDED', slot: 11 } },
    });
    expect(outbox.rows[1].key).toBe(`thread:${thread}`);
    const events = await client.query('SELECT type, payload FROM events ORDER BY sequence');
    expect(events.rows[1].payload).toEqual({ contentHash: indexed.hash, index: 0, messageAddress: indexed.record });
    expect(events.rows[2].payload.messageAddresses).toEqual([indexed.record, spec.record].sort());
  });

  it('enforces the new identity: one message per (thread, hash), the same hash in another thread is allowed', async () => {
    const other = key();
    await client.query(
      `INSERT INTO threads (address, thread_id, creator, content_root, slot) VALUES ($1, repeat('b', 64), $2, repeat('0', 64), 1)`,
      [other, creator],
    );
    await client.query(
      `INSERT INTO messages (address, thread_address, content_hash, author) VALUES (choir_message_address($1, $2), $1, $2, $3)`,
      [other, indexed.hash, creator],
    );
    await expect(
      client.query(`INSERT INTO messages (address, thread_address, content_hash, author) VALUES ('x', $1, $2, $3)`, [
        thread,
        indexed.hash,
        creator,
      ]),
    ).rejects.toThrow(/messages_thread_address_content_hash_key/);
  });
});
