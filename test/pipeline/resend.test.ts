/**
 * The re-send sweep: a retracted message (back to PENDING) is re-armed at once; a RECORDED row without a slot only
 * once the indexer has committed since (not while it is down), and then with a doubling wait between re-arms.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_SUBMIT_KIND } from '../../src/pipeline/kinds.js';
import { resendRetracted } from '../../src/pipeline/resend.js';
import { sha256Hex } from '../../src/vector/point-id.js';
import { openPool } from '../indexer/harness.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';

const THREAD = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
const AUTHOR = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';

describe('resendRetracted', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createMigratedDatabase();
    pool = openPool(db.url);
    await pool.query(
      `INSERT INTO threads (address, thread_id, creator, content_root, slot) VALUES ($1, $2, $3, $2, 1)`,
      [THREAD, 'a'.repeat(64), AUTHOR],
    );
    await pool.query(
      `INSERT INTO indexer_cursors (stream, slot, updated_at) VALUES ('choir', 1, now() - interval '1 hour')`,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** A message whose submission item is done, last changed `ago` seconds ago. */
  async function message(address: string, status: string, ago: number, attempts = 1) {
    await pool.query(
      `INSERT INTO messages (address, thread_address, content_hash, author, content, status, updated_at)
       VALUES ($1, $2, $3, $4, 'text', $5::message_status, now() - make_interval(secs => $6))`,
      [address, THREAD, sha256Hex(address), AUTHOR, status, ago],
    );
    await pool.query(
      `INSERT INTO outbox (kind, key, payload, state, attempts, updated_at)
       VALUES ($1, $2, '{}', 'DONE', $3, now() - make_interval(secs => $4))`,
      [MESSAGE_SUBMIT_KIND, address, attempts, ago],
    );
  }
  const state = async (address: string) =>
    (await pool.query('SELECT state FROM outbox WHERE key = $1', [address])).rows[0]?.state as string;
  const indexerCommitted = (secondsAgo: number) =>
    pool.query(`UPDATE indexer_cursors SET updated_at = now() - make_interval(secs => $1)`, [secondsAgo]);

  it('re-arms a retracted message at once, a slotless RECORDED one only after the indexer moved on', async () => {
    await message('retracted', 'PENDING', 5);
    await message('slotless', 'RECORDED', 120);
    // The indexer is down (its cursor last moved an hour ago): nothing to learn from the chain about the slotless row.
    expect(await resendRetracted(pool, 30, 20)).toBe(1);
    expect(await state('retracted')).toBe('PENDING');
    expect(await state('slotless')).toBe('DONE');
    await indexerCommitted(0);
    expect(await resendRetracted(pool, 30, 20)).toBe(1);
    expect(await state('slotless')).toBe('PENDING');
  });

  it('waits twice as long before each further re-arm of the same row', async () => {
    await indexerCommitted(0);
    // Re-armed twice before (attempts 3): the next re-arm waits 20 s × 2² = 80 s after the item last finished.
    await message('again', 'RECORDED', 300, 3);
    await pool.query(`UPDATE outbox SET updated_at = now() - interval '60 seconds' WHERE key = 'again'`);
    expect(await resendRetracted(pool, 30, 20)).toBe(0);
    await pool.query(`UPDATE outbox SET updated_at = now() - interval '90 seconds' WHERE key = 'again'`);
    expect(await resendRetracted(pool, 30, 20)).toBe(1);
    expect((await pool.query(`SELECT attempts FROM outbox WHERE key = 'again'`)).rows[0].attempts).toBe(3);
  });
});
