/**
 * Carries out a repair plan. The vector store first (idempotent upserts and payload writes: a crash before the
 * Postgres commit only repeats them next run), then one Postgres transaction with every row repair and one
 * `Recovered` event per repair, so subscribers learn of exactly the repairs that committed.
 */
import type pg from 'pg';
import { readStoredRows } from '../../indexer/write/load-state.js';
import type { VoteRow } from '../../indexer/write/rows.js';
import { fromMessageAccount, fromThreadAccount, type Provenance } from '../../indexer/write/rows.js';
import { insertMissingVotes, writeMessages, writeThreads } from '../../indexer/write/write-rows.js';
import type { MessageAccount } from '../../programs/choir/client/index.js';
import { inTransaction } from '../db/transaction.js';
import type { Embedder } from '../embed/types.js';
import { appendEvents } from '../events/index.js';
import type { NewEvent } from '../events/types.js';
import type { VectorPoint, VectorStore } from '../vector/types.js';
import { hexOf } from './compare.js';
import { CONTENT_LOST_PREFIX, type Repair } from './plan-repairs.js';
import type { IndexerPosition, ThreadState } from './read-state.js';
import { votesOnRecord } from './record-votes.js';

export interface RepairDeps {
  readonly pool: pg.Pool;
  readonly store: Pick<VectorStore, 'upsert' | 'setPayload'>;
  readonly embedder: Pick<Embedder, 'embed'>;
}

/** What backfill writes for state it has no provenance for: the final state of its slot, never stepped back. */
const FINAL_WRITE_VERSION = '9223372036854775807';

function commitmentOf(slot: bigint, indexer: IndexerPosition | null): Provenance['commitment'] {
  if (indexer?.finalizedSlot != null && slot <= indexer.finalizedSlot) return 'FINALIZED';
  if (indexer?.confirmedSlot != null && slot <= indexer.confirmedSlot) return 'CONFIRMED';
  return 'PROCESSED';
}

function provenance(slot: bigint, indexer: IndexerPosition | null): Provenance {
  return {
    slot: slot.toString(),
    writeVersion: FINAL_WRITE_VERSION,
    txSignature: null,
    instructionIndex: null,
    commitment: commitmentOf(slot, indexer),
  };
}

/** The backend status a record at this commitment has reached. */
const statusAt = (c: Provenance['commitment']) => (c === 'PROCESSED' ? 'RECORDED' : c);

function pointOf(state: ThreadState, address: string, m: MessageAccount, content: string, vector: Float32Array) {
  const row = state.rows.get(address);
  const status = row?.status ?? statusAt(commitmentOf(m.updatedSlot, state.indexer));
  return {
    vector,
    payload: {
      message_address: address,
      content_hash: hexOf(m.contentHash),
      thread_id: state.threadAddress,
      author: m.author,
      co_authors: [...state.chain.account.coAuthors],
      status: status === 'PENDING' ? 'STORED' : status,
      slot: Number(row?.slot ?? m.updatedSlot),
      created_at: row ? row.created_at.getTime() : Number(m.createdAt) * 1000,
      kind: 'message' as const,
      content,
    },
  } satisfies VectorPoint;
}

async function repairVectorStore(deps: RepairDeps, state: ThreadState, repairs: readonly Repair[]) {
  const restore = repairs.filter((r) => r.action === 'restore_point');
  if (restore.length > 0) {
    const vectors = await deps.embedder.embed(restore.map((r) => r.content as string));
    await deps.store.upsert(
      restore.map((r, i) => {
        const m = state.chain.messages.get(r.difference.address) as MessageAccount;
        return pointOf(state, r.difference.address, m, r.content as string, vectors[i] as Float32Array);
      }),
    );
  }
  const coAuthors = repairs.filter((r) => r.action === 'rewrite_point_co_authors').map((r) => r.difference.address);
  if (coAuthors.length > 0) {
    await deps.store.setPayload({ co_authors: [...state.chain.account.coAuthors] }, { messageAddresses: coAuthors });
  }
}

/**
 * Makes each message's vote rows those its record holds (record-votes.ts): wrong and extra votes deleted, missing
 * ones inserted with the record's provenance (no signature: the record does not say which transaction voted). A
 * vote Postgres already has right keeps its own slot and signature.
 */
async function rewriteVotes(client: pg.ClientBase, state: ThreadState, repairs: readonly Repair[]) {
  if (repairs.length === 0) return;
  const addresses: string[] = [];
  const voters: string[] = [];
  const approves: boolean[] = [];
  const rows: VoteRow[] = [];
  for (const r of repairs) {
    const m = state.chain.messages.get(r.difference.address) as MessageAccount;
    const p = provenance(m.updatedSlot, state.indexer);
    for (const [voter, approve] of votesOnRecord(m, state.chain.account.coAuthors)) {
      addresses.push(r.difference.address);
      voters.push(voter);
      approves.push(approve);
      rows.push({ messageAddress: r.difference.address, voter, approve, ...p });
    }
  }
  await client.query(
    `DELETE FROM votes v WHERE v.message_address = ANY ($1::text[])
        AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[], $4::bool[]) AS k(address, voter, approve)
                         WHERE k.address = v.message_address AND k.voter = v.voter AND k.approve = v.approve)`,
    [repairs.map((r) => r.difference.address), addresses, voters, approves],
  );
  await insertMissingVotes(client, rows);
}

async function repairPostgres(client: pg.ClientBase, state: ThreadState, repairs: readonly Repair[]) {
  const { account, lamports } = state.chain;
  const thread = state.threadAddress;
  const of = (action: Repair['action']) => repairs.filter((r) => r.action === action);

  if (of('reindex_thread_row').length > 0) {
    await writeThreads(client, [
      fromThreadAccount(thread, account, lamports, provenance(account.updatedSlot, state.indexer), undefined),
    ]);
  }
  if (of('rewrite_co_authors').length > 0) {
    // The stored row keeps its provenance and each co-author the slot it joined at; only the chain's list and
    // amounts replace what Postgres holds.
    const previous = (await readStoredRows(client, [thread], [])).threads.get(thread);
    const p = previous ?? provenance(account.updatedSlot, state.indexer);
    await writeThreads(client, [fromThreadAccount(thread, account, lamports, p, previous)]);
  }
  const reindex = of('reindex_message_row');
  if (reindex.length > 0) {
    const rows = reindex.map((r) => {
      const m = state.chain.messages.get(r.difference.address) as MessageAccount;
      const row = fromMessageAccount(r.difference.address, m, provenance(m.updatedSlot, state.indexer), undefined);
      row.status = statusAt(row.commitment ?? 'PROCESSED');
      return row;
    });
    await writeMessages(client, rows);
    // Deleting a message row deletes its votes: the record's bitmaps give them back.
    await rewriteVotes(client, state, reindex);
    const withContent = reindex.filter((r) => r.content !== undefined);
    await client.query(
      `UPDATE messages m SET content = c.content FROM unnest($1::text[], $2::text[]) AS c(address, content)
        WHERE m.address = c.address AND m.content IS NULL`,
      [withContent.map((r) => r.difference.address), withContent.map((r) => r.content)],
    );
  }
  await rewriteVotes(client, state, of('rewrite_votes'));
  for (const r of of('rewrite_row')) {
    const m = state.chain.messages.get(r.difference.address) as MessageAccount;
    await client.query('UPDATE messages SET content_hash = $2, author = $3, updated_at = now() WHERE address = $1', [
      r.difference.address,
      hexOf(m.contentHash),
      m.author,
    ]);
  }
  const lost = of('flag_content_lost');
  if (lost.length > 0) {
    await client.query(`UPDATE messages SET last_error = $2, updated_at = now() WHERE address = ANY ($1::text[])`, [
      lost.map((r) => r.difference.address),
      `${CONTENT_LOST_PREFIX}: the content exists nowhere off chain`,
    ]);
  }
  const events: NewEvent[] = repairs.map((r) => ({
    threadAddress: thread,
    type: 'Recovered',
    payload: {
      messageAddress: r.difference.address === thread ? null : r.difference.address,
      reason: r.difference.kind,
      repair: r.action,
      detail: r.difference.detail,
    },
  }));
  await appendEvents(client, events);
}

export async function applyRepairs(deps: RepairDeps, state: ThreadState, repairs: readonly Repair[]): Promise<void> {
  if (repairs.length === 0) return;
  await repairVectorStore(deps, state, repairs);
  await inTransaction(deps.pool, (client) => repairPostgres(client, state, repairs));
}
