/**
 * A terminal failure undoes the optimistic state: the point goes first (idempotent, so a crash before the commit
 * just repeats it), then in one transaction the row becomes ROLLED_BACK with its reason and a MessageRolledBack
 * event tells subscribers to drop their optimistic entry. Rows the chain has meanwhile recorded are left alone.
 */
import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';
import { appendEvents } from '../events/index.js';
import type { VectorStore } from '../vector/types.js';

export interface RollbackItem {
  readonly address: string;
  readonly thread: string;
  readonly contentHash: string;
  /** A taxonomy code (NOT_CO_AUTHOR, DUPLICATE_CONTENT, SIGNATURE_INVALID, …). */
  readonly reason: string;
  readonly message: string;
}

export async function rollBack(
  pool: pg.Pool,
  store: Pick<VectorStore, 'deletePoints'>,
  items: readonly RollbackItem[],
): Promise<number> {
  if (items.length === 0) return 0;
  await store.deletePoints({ messageAddresses: items.map((i) => i.address) });
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ address: string }>(
      `UPDATE messages m SET status = 'ROLLED_BACK', last_error = r.reason || ': ' || r.message, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[]) AS r(address, reason, message)
        WHERE m.address = r.address AND m.status IN ('PENDING', 'STORED')
       RETURNING m.address`,
      [items.map((i) => i.address), items.map((i) => i.reason), items.map((i) => i.message)],
    );
    const done = new Set(rows.map((r) => r.address));
    await appendEvents(
      client,
      items
        .filter((i) => done.has(i.address))
        .map((i) => ({
          threadAddress: i.thread,
          type: 'MessageRolledBack' as const,
          payload: { messageAddress: i.address, contentHash: i.contentHash, reason: i.reason, message: i.message },
        })),
    );
    return done.size;
  });
}
