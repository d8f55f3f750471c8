/**
 * First start, or a cursor older than the stream can replay: snapshot the program's accounts over RPC at
 * `confirmed` (context slot C), apply them like stream updates in one transaction, and set the cursor to C so the
 * stream resumes at C + 1: every change up to C is in the snapshot, every later one in the stream — no gap; and
 * idempotency by (account, slot, write_version) makes any overlap a no-op — no duplicate.
 *
 * The history half (provenance, events attributed to their transactions, Divested) is in `backfill-history.ts`
 * (reading it) and `backfill-steps.ts` (turning snapshot + history into updates in apply order, and why the write
 * versions make a replay a no-op).
 */
import type pg from 'pg';
import type { Logger } from '../../src/observability/logger.js';
import type { ProgramAccount } from '../source/rpc.js';
import { type ChainIdentity, createCursor } from '../write/cursor.js';
import { writeBatchIn } from '../write/write-batch.js';
import {
  type BackfillHistory,
  type BackfillSkip,
  fetchHistory,
  type HistoryTx,
  indexedSignatures,
  listSignatures,
} from './backfill-history.js';
import { snapshotUpdates } from './backfill-steps.js';

export interface BackfillResult {
  readonly slot: bigint;
  readonly accounts: number;
  readonly skipped: number;
  readonly applied: number;
  /** Signatures listed (within the bound and the cap), transactions fetched and decoded, already indexed. */
  readonly signatures: number;
  readonly transactions: number;
  readonly alreadyIndexed: number;
  /** Malformed RPC data (signature entries, transactions) skipped. */
  readonly malformed: number;
  /** Accounts given a signature and instruction index; divest instructions applied. */
  readonly withProvenance: number;
  readonly divests: number;
}

export interface BackfillOptions {
  /** Without it, accounts only (no provenance, no Divested). */
  readonly history?: BackfillHistory | null;
  /** Most signatures listed (INDEXER_BACKFILL_SIGNATURES). */
  readonly maxSignatures?: number;
  /** The cursor being replaced, if any: history at or before it is already indexed. */
  readonly previousCursor?: bigint | null;
  readonly logger?: Logger;
  /** Log progress every this many signatures / transactions. */
  readonly progressEvery?: number;
  /** getTransaction calls in flight at once. */
  readonly concurrency?: number;
  /** Updates per writeBatchIn call. */
  readonly chunk?: number;
}

export async function backfill(
  pool: pg.Pool,
  stream: string,
  identity: ChainIdentity,
  snapshot: { slot: bigint; accounts: readonly ProgramAccount[] },
  onSkip: BackfillSkip,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const log = options.logger;
  const every = options.progressEvery ?? 1000;
  const chunk = options.chunk ?? 5_000;
  let skipped = 0;
  let malformed = 0;
  let signatures = 0;
  let transactions = 0;
  let alreadyIndexed = 0;
  const skip: BackfillSkip = (reason, detail) => {
    skipped++;
    onSkip(reason, detail);
  };
  const client = await pool.connect();
  let applied = 0;
  try {
    let txs: HistoryTx[] = [];
    if (options.history && (options.maxSignatures ?? 10_000) > 0) {
      const listing = await listSignatures(
        options.history,
        {
          slot: snapshot.slot,
          bound: options.previousCursor ?? null,
          max: options.maxSignatures ?? 10_000,
          log,
          every,
        },
        skip,
      );
      signatures = listing.listed;
      malformed += listing.malformed;
      const indexed = await indexedSignatures(client, listing.signatures);
      alreadyIndexed = indexed.size;
      const todo = listing.signatures.filter((s) => !indexed.has(s.signature));
      const fetched = await fetchHistory(
        options.history,
        todo,
        identity.programId,
        { concurrency: options.concurrency ?? 8, log, every },
        skip,
      );
      transactions = fetched.fetched;
      malformed += fetched.malformed;
      txs = fetched.txs;
    }
    const { updates, withProvenance, divests } = snapshotUpdates(
      snapshot.accounts,
      (detail) => skip('account_malformed', detail),
      txs,
    );
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
      if (updates.length > chunk) log?.info({ done: i + chunk, of: updates.length }, 'backfill: applying');
    }
    await client.query('COMMIT');
    return {
      slot: snapshot.slot,
      accounts: snapshot.accounts.length,
      skipped,
      applied,
      signatures,
      transactions,
      alreadyIndexed,
      malformed,
      withProvenance,
      divests,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
