// The writer looks rows up (and deletes them on a rollback) by primary key, in tables that grow by thousands of
// rows per second while the planner may have no statistics yet (a fresh database catching up). A key compared with
// a parameter of another type is cast, the primary key index no longer applies, and every lookup reads the whole
// table (seen when messages were keyed by a CHAR(64) hash compared with text[]: the batch prelude became the
// largest Postgres cost of the ingest bench). Messages are keyed by their text address now. These tests pin the
// plans: each lookup can use its primary key index (with sequential scans disabled, so that the test checks the
// index applies, not which plan a small table's costs favour), on tables that have never been analyzed.
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStoredRows } from '../../indexer/write/load-state.js';
import { deleteRows } from '../../indexer/write/write-rows.js';
import { useMigratedPool } from '../support/migrated-pool.js';

const { pool } = useMigratedPool();
const ROWS = 20_000;

/** A client that EXPLAINs every statement instead of running it, and keeps the plans. */
async function explaining(client: pg.ClientBase, plans: string[]): Promise<pg.ClientBase> {
  await client.query('SET enable_seqscan = off');
  return {
    query: async (sql: string, params: unknown[]) => {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      return { rows: [] };
    },
  } as unknown as pg.ClientBase;
}

beforeAll(async () => {
  await pool.query(
    `INSERT INTO threads (address, thread_id, creator, message_count, spec_count, content_root, min_stake,
                          spec_lifetime_seconds, lamports, slot, write_version, commitment)
     VALUES ('T', repeat('a', 64), 'c', 0, 0, repeat('b', 64), 0, 0, 0, 1, 0, 'PROCESSED')`,
  );
  await pool.query(
    `INSERT INTO messages (address, content_hash, thread_address, author, kind, status, chain_status, index_in_thread,
                           stake, approve_bitmap, deny_bitmap, approvals, denials, slot, write_version, commitment)
     SELECT 'r' || i, encode(sha256(i::text::bytea), 'hex'), 'T', 'a', 'MESSAGE', 'RECORDED', 'PUBLISHED', i, 0, 0, 0,
            0, 0, 1 + i / 1000, i, 'PROCESSED'
       FROM generate_series(1, ${ROWS}) i`,
  );
  await pool.query(
    `INSERT INTO votes (message_address, voter, approve, slot, commitment)
     SELECT address, 'v', true, slot, 'PROCESSED' FROM messages`,
  );
  const { rows } = await pool.query(`SELECT reltuples FROM pg_class WHERE relname = 'messages'`);
  expect(rows[0].reltuples).toBe(-1); // never analyzed: the planner has no statistics
});

const addresses = (n: number) =>
  pool
    .query<{ a: string }>(`SELECT address AS a FROM messages ORDER BY index_in_thread LIMIT ${n}`)
    .then((r) => r.rows.map((x) => x.a));

describe('key lookups use the primary keys on tables without statistics', () => {
  it('reads stored messages through messages_pkey', async () => {
    const client = await pool.connect();
    try {
      const plans: string[] = [];
      await readStoredRows(await explaining(client, plans), ['T'], await addresses(700));
      const messagePlan = plans.find((p) => p.includes('messages')) ?? '';
      expect(messagePlan).toContain('messages_pkey');
      expect(messagePlan).not.toMatch(/Seq Scan on messages/);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });

  it('deletes rolled-back messages and votes through their primary keys', async () => {
    const client = await pool.connect();
    try {
      const plans: string[] = [];
      const keys = await addresses(100);
      await deleteRows(await explaining(client, plans), 'messages', keys);
      await deleteRows(
        await explaining(client, plans),
        'votes',
        keys.map((h) => `${h}:v`),
      );
      expect(plans[0]).toContain('messages_pkey');
      expect(plans[0]).not.toMatch(/Seq Scan on messages/);
      expect(plans[1]).toContain('votes_pkey');
      expect(plans[1]).not.toMatch(/Seq Scan on votes/);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });

  it('finds the rows it looks up, and only those', async () => {
    const keys = await addresses(50);
    const stored = await readStoredRows(pool as unknown as pg.ClientBase, [], [...keys, 'r0']);
    expect([...stored.messages.keys()].sort()).toEqual([...keys].sort());
  });
});
