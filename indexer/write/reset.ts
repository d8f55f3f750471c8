/**
 * `--reset`: wipes everything the indexer derived from the chain so it can re-index from scratch (a reset devnet,
 * a switched endpoint). Messages the backend holds content for are kept as they were before the chain saw them
 * (no slot, status back to STORED); only on-chain-only messages go. Events are kept: the log is append-only, and
 * subscribers see the re-indexed history after it.
 */
import type pg from 'pg';
import { inTransaction } from '../../src/db/transaction.js';

export async function resetIndexedData(pool: pg.Pool, stream: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('DELETE FROM votes');
    await client.query('DELETE FROM messages WHERE content IS NULL');
    await client.query(
      `UPDATE messages SET slot = NULL, write_version = 0, tx_signature = NULL, instruction_index = NULL,
              commitment = NULL, chain_status = NULL, approve_bitmap = 0, deny_bitmap = 0,
              approvals = 0, denials = 0, status = CASE WHEN status IN ('RECORDED', 'CONFIRMED', 'FINALIZED')
              THEN 'STORED'::message_status ELSE status END`,
    );
    // Threads with backend messages must stay (foreign key): mark them unseen so the re-index overwrites them.
    await client.query(
      `DELETE FROM threads t WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_address = t.address)`,
    );
    await client.query(`UPDATE threads SET slot = 0, write_version = 0, commitment = 'PROCESSED'`);
    await client.query('DELETE FROM indexer_slots WHERE stream = $1', [stream]);
    await client.query('DELETE FROM indexer_undo WHERE stream = $1', [stream]);
    await client.query('DELETE FROM indexer_cursors WHERE stream = $1', [stream]);
  });
}
