/**
 * Set-based writes of the rows `apply.ts` produced (and of undo images restored by a rollback): one statement per
 * table, arrays passed through `unnest`, SQL derived from the table definitions in `tables.ts`. Upserts overwrite
 * only chain-derived columns; backend-owned ones (a message's content, a thread's title) are never touched.
 */
import type pg from 'pg';
import { compareCodeUnits } from '../../src/db/lock-order.js';
import { columnArrays, insertMissingSql, upsertSql } from '../../src/db/table.js';
import type { UndoEntry } from './apply.js';
import type { CoAuthorRow, MessageRow, ThreadRow, VoteRow } from './rows.js';
import { CO_AUTHORS, MESSAGES, THREADS, VOTES } from './tables.js';

const THREADS_UPSERT = upsertSql(THREADS);
const CO_AUTHORS_UPSERT = upsertSql(CO_AUTHORS, { onlyWhenChanged: true });
const MESSAGES_UPSERT = upsertSql(MESSAGES);
const VOTES_UPSERT = upsertSql(VOTES);
const VOTES_INSERT_MISSING = insertMissingSql(VOTES);

/** `coAuthorRows`: the threads whose co-author rows (list or amounts) may differ from the stored ones (default: all). */
export async function writeThreads(
  client: pg.ClientBase,
  rows: readonly ThreadRow[],
  coAuthorRows: readonly ThreadRow[] = rows,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(THREADS_UPSERT, columnArrays(THREADS, rows));
  await writeCoAuthors(client, coAuthorRows);
}

async function writeCoAuthors(client: pg.ClientBase, rows: readonly ThreadRow[]): Promise<void> {
  if (rows.length === 0) return;
  // Drop positions beyond the new list (only a rollback shrinks it), then upsert the list.
  await client.query(
    `DELETE FROM thread_co_authors c USING unnest($1::text[], $2::int4[]) AS t(address, n)
      WHERE c.thread_address = t.address AND c.position >= t.n`,
    [rows.map((r) => r.address), rows.map((r) => r.coAuthors.length)],
  );
  const flat: CoAuthorRow[] = rows.flatMap((r) =>
    r.coAuthors.map((pubkey, position) => ({
      threadAddress: r.address,
      position,
      pubkey,
      addedSlot: r.coAuthorSlots[position] as string,
      // Undo images from before the divest accounting columns lack the amounts: they were zero then.
      entitlement: r.coAuthorEntitlements?.[position] ?? '0',
      withdrawn: r.coAuthorWithdrawn?.[position] ?? '0',
    })),
  );
  await client.query(CO_AUTHORS_UPSERT, columnArrays(CO_AUTHORS, flat));
}

/**
 * Rows go in address order: the submission pipeline inserts message rows in batches too (accept-messages.ts), and
 * two multi-row writers that lock the same rows in different orders deadlock; in one order they only queue.
 */
export async function writeMessages(client: pg.ClientBase, rows: readonly MessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  const ordered = [...rows].sort((a, b) => compareCodeUnits(a.address, b.address));
  await client.query(MESSAGES_UPSERT, columnArrays(MESSAGES, ordered));
}

export async function writeVotes(client: pg.ClientBase, rows: readonly VoteRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(VOTES_UPSERT, columnArrays(VOTES, rows));
}

/** Inserts the votes Postgres lacks; a vote already stored keeps its row (its provenance) untouched. */
export async function insertMissingVotes(client: pg.ClientBase, rows: readonly VoteRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(VOTES_INSERT_MISSING, columnArrays(VOTES, rows));
}

/** Records undo images; an image already recorded for (slot, row) is older and wins. */
export async function writeUndo(client: pg.ClientBase, stream: string, entries: readonly UndoEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO indexer_undo (stream, slot, table_name, row_key, image)
     SELECT $1, * FROM unnest($2::int8[], $3::text[], $4::text[], $5::jsonb[])
     ON CONFLICT DO NOTHING`,
    [
      stream,
      entries.map((e) => e.slot),
      entries.map((e) => e.table),
      entries.map((e) => e.key),
      entries.map((e) => (e.image === null ? null : JSON.stringify(e.image))),
    ],
  );
}

/** Deletes rows by their undo-log keys: addresses for threads and messages, `voteKey` (rows.ts) for votes. */
export async function deleteRows(client: pg.ClientBase, table: 'threads' | 'messages' | 'votes', keys: string[]) {
  if (keys.length === 0) return;
  if (table === 'threads') await client.query('DELETE FROM threads WHERE address = ANY ($1::text[])', [keys]);
  else if (table === 'messages') await client.query('DELETE FROM messages WHERE address = ANY ($1::text[])', [keys]);
  else {
    await client.query(
      `DELETE FROM votes v USING unnest($1::text[], $2::text[]) AS k(message_address, voter)
        WHERE v.message_address = k.message_address AND v.voter = k.voter`,
      [keys.map((k) => k.split(':')[0]), keys.map((k) => k.split(':')[1])],
    );
  }
}
