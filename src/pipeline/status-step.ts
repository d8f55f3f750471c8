/**
 * The pipeline's status steps (PENDING → STORED when the vector is stored, → RECORDED when the relayed transaction
 * landed) with their events, in one transaction: subscribers (the client SDK's thread store, `messageStatus`) see
 * the step live instead of only on their next read. Only rows the UPDATE moved get an event — a row the indexer
 * already made RECORDED (its MessagePublished said so) or that was rolled back meanwhile is left alone and silent.
 */
import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';
import { appendEvents } from '../events/index.js';

const STEP_EVENT = { STORED: 'MessageStored', RECORDED: 'MessageRecorded' } as const;

export async function setStatus(
  pool: pg.Pool,
  addresses: readonly string[],
  to: 'STORED' | 'RECORDED',
  from: readonly string[],
): Promise<void> {
  if (addresses.length === 0) return;
  await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ address: string; thread_address: string; content_hash: string }>(
      `UPDATE messages SET status = $2::message_status, updated_at = now()
      WHERE address = ANY ($1::text[]) AND status = ANY ($3::message_status[])
     RETURNING address, thread_address, content_hash`,
      [addresses, to, from],
    );
    await appendEvents(
      client,
      rows.map((r) => ({
        threadAddress: r.thread_address,
        type: STEP_EVENT[to],
        payload: { messageAddress: r.address, contentHash: r.content_hash, status: to },
      })),
    );
  });
}
