/**
 * First start, or a cursor older than the stream can replay: snapshot the program's accounts over RPC at
 * `confirmed` (context slot C), apply them like stream updates in one transaction, and set the cursor to C so the
 * stream resumes at C + 1: every change up to C is in the snapshot, every later one in the stream — no gap; and
 * idempotency by (account, slot, write_version) makes any overlap a no-op — no duplicate.
 *
 * Snapshot rows carry the slot the account itself records as its last change (updated_slot) and write version 0,
 * so a stream update of the same slot (write version ≥ 1) still wins. Events come out of the same diff as live
 * updates (ThreadCreated, MessagePublished, VoteCast… for what the database did not have yet).
 */
import type pg from 'pg';
import { decodeAccount } from '../../programs/choir/client/index.js';
import type { AccountUpdate } from '../decode/types.js';
import type { ProgramAccount } from '../source/rpc.js';
import { writeBatchIn } from '../write/write-batch.js';
import { type ChainIdentity, createCursor } from './cursor.js';

export interface BackfillResult {
  readonly slot: bigint;
  readonly accounts: number;
  readonly skipped: number;
  readonly applied: number;
}

export function snapshotUpdates(accounts: readonly ProgramAccount[], onSkip: (detail: string) => void) {
  const updates: AccountUpdate[] = [];
  for (const a of accounts) {
    const decoded = decodeAccount(a.data);
    if (!decoded.ok) {
      onSkip(`${a.pubkey}: ${decoded.error.message}`);
      continue;
    }
    updates.push({
      kind: 'account',
      pubkey: a.pubkey,
      slot: decoded.value.updatedSlot,
      writeVersion: 0n,
      lamports: a.lamports,
      txSignature: null,
      account: decoded.value,
      instructionIndex: null,
    });
  }
  // Threads before messages (a message needs its thread); then by creation, for a stable event order.
  const rank = (u: AccountUpdate) => (u.account.kind === 'thread' ? 0 : 1);
  updates.sort(
    (x, y) =>
      rank(x) - rank(y) ||
      Number(x.account.createdSlot - y.account.createdSlot) ||
      (x.account.kind === 'message' && y.account.kind === 'message' ? Number(x.account.index - y.account.index) : 0) ||
      (x.pubkey < y.pubkey ? -1 : x.pubkey > y.pubkey ? 1 : 0),
  );
  return updates;
}

export async function backfill(
  pool: pg.Pool,
  stream: string,
  identity: ChainIdentity,
  snapshot: { slot: bigint; accounts: readonly ProgramAccount[] },
  onSkip: (detail: string) => void,
  chunk = 5_000,
): Promise<BackfillResult> {
  let skipped = 0;
  const updates = snapshotUpdates(snapshot.accounts, (detail) => {
    skipped++;
    onSkip(detail);
  });
  const client = await pool.connect();
  let applied = 0;
  try {
    await client.query('BEGIN');
    await createCursor(client, stream, snapshot.slot, identity);
    await client.query('UPDATE indexer_cursors SET confirmed_slot = greatest(confirmed_slot, $2) WHERE stream = $1', [
      stream,
      snapshot.slot.toString(),
    ]);
    for (let i = 0; i < updates.length; i += chunk) {
      const out = await writeBatchIn(client, stream, updates.slice(i, i + chunk), snapshot.slot);
      applied += out.applied;
      skipped += out.orphans;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return { slot: snapshot.slot, accounts: snapshot.accounts.length, skipped, applied };
}
