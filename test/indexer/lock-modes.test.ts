// The indexer's upserts must not hold up the submission pipeline's inserts into the same thread: an upsert that
// SETs a column of a unique index (a thread's thread_id, a message's thread_address/content_hash) locks the row
// FOR UPDATE, which blocks the foreign-key check (FOR KEY SHARE) of every row inserted under it until the
// indexer's batch commits. Identity columns are never rewritten (tables.ts `keep`), so the upsert takes FOR NO KEY
// UPDATE and those inserts go through while the batch is still open.
import { beforeEach, describe, expect, it } from 'vitest';
import { createCursor } from '../../indexer/write/cursor.js';
import { writeBatch, writeBatchIn } from '../../indexer/write/write-batch.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import {
  hashHex,
  key,
  messageUpdate,
  newMessage,
  newThread,
  resetWriteVersion,
  slotUpdate,
  threadUpdate,
} from './fixtures.js';

const STREAM = 'locks';

describe('indexer upserts and the pipeline inserts beside them', () => {
  const { pool } = useMigratedPool({ max: 4 });
  beforeEach(async () => {
    await pool.query('TRUNCATE threads, thread_co_authors, messages, votes, events, indexer_cursors, outbox CASCADE');
    await createCursor(pool, STREAM, 0n, { genesisHash: 'genesis', programId: 'program' });
    resetWriteVersion();
  });

  it('accepts a message into a thread, and a vote on a message, while a batch upserting them is open', async () => {
    const thread = newThread();
    const message = newMessage(thread, 'indexed');
    await writeBatch(
      pool,
      STREAM,
      [threadUpdate(thread, 10), messageUpdate(message, 10), slotUpdate(10, 'processed')],
      null,
    );

    // The indexer's next batch rewrites both rows (new counts, new provenance) and stays open.
    const indexer = await pool.connect();
    const other = await pool.connect();
    try {
      await indexer.query('BEGIN');
      thread.messageCount += 1n;
      await writeBatchIn(indexer, STREAM, [threadUpdate(thread, 11), messageUpdate(message, 11)], null);

      // Meanwhile the pipeline accepts another message into the thread and records a vote on the first one.
      await other.query(`SET lock_timeout = '2s'`);
      const accepted = newMessage(thread, 'accepted meanwhile');
      await other.query(
        `INSERT INTO messages (address, thread_address, content_hash, author, content, status)
         VALUES ($1, $2, $3, $4, 'accepted meanwhile', 'PENDING')`,
        [accepted.address, thread.address, hashHex(accepted), key()],
      );
      await other.query(`INSERT INTO votes (message_address, voter, approve, slot) VALUES ($1, $2, true, 11)`, [
        message.address,
        key(),
      ]);
      await indexer.query('COMMIT');
    } finally {
      await indexer.query('ROLLBACK').catch(() => {});
      indexer.release();
      await other.query('RESET lock_timeout');
      other.release();
    }
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM messages WHERE thread_address = $1', [
      thread.address,
    ]);
    expect(rows[0].n).toBe(2);
  });
});
