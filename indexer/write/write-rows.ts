/**
 * Set-based writes of the rows `apply.ts` produced (and of undo images restored by a rollback): one statement per
 * table, arrays passed through `unnest`. Upserts overwrite only chain-derived columns; backend-owned ones (a
 * message's content, a thread's title) are never touched.
 */
import type pg from 'pg';
import type { UndoEntry } from './apply.js';
import type { MessageRow, ThreadRow, VoteRow } from './rows.js';

const col = <T, K extends keyof T>(rows: readonly T[], key: K) => rows.map((r) => r[key] ?? null);

/** `coAuthorRows`: the threads whose co-author list may differ from the stored one (default: all of them). */
export async function writeThreads(
  client: pg.ClientBase,
  rows: readonly ThreadRow[],
  coAuthorRows: readonly ThreadRow[] = rows,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO threads (address, thread_id, creator, message_count, spec_count, content_root, min_stake,
                          spec_lifetime_seconds, lamports, slot, write_version, tx_signature, instruction_index,
                          commitment, chain_created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int4[], $5::int4[], $6::text[], $7::int8[],
                          $8::int8[], $9::int8[], $10::int8[], $11::int8[], $12::text[], $13::int2[],
                          $14::commitment[], $15::timestamptz[])
     ON CONFLICT (address) DO UPDATE SET
       thread_id = EXCLUDED.thread_id, creator = EXCLUDED.creator, message_count = EXCLUDED.message_count,
       spec_count = EXCLUDED.spec_count, content_root = EXCLUDED.content_root, min_stake = EXCLUDED.min_stake,
       spec_lifetime_seconds = EXCLUDED.spec_lifetime_seconds, lamports = EXCLUDED.lamports, slot = EXCLUDED.slot,
       write_version = EXCLUDED.write_version, tx_signature = EXCLUDED.tx_signature,
       instruction_index = EXCLUDED.instruction_index, commitment = EXCLUDED.commitment,
       chain_created_at = EXCLUDED.chain_created_at, updated_at = now()`,
    [
      col(rows, 'address'),
      col(rows, 'threadId'),
      col(rows, 'creator'),
      col(rows, 'messageCount'),
      col(rows, 'specCount'),
      col(rows, 'contentRoot'),
      col(rows, 'minStake'),
      col(rows, 'specLifetime'),
      col(rows, 'lamports'),
      col(rows, 'slot'),
      col(rows, 'writeVersion'),
      col(rows, 'txSignature'),
      col(rows, 'instructionIndex'),
      col(rows, 'commitment'),
      col(rows, 'chainCreatedAt'),
    ],
  );
  await writeCoAuthors(client, coAuthorRows);
}

async function writeCoAuthors(client: pg.ClientBase, rows: readonly ThreadRow[]): Promise<void> {
  if (rows.length === 0) return;
  // Drop positions beyond the new list (only a rollback shrinks it), then upsert the list.
  await client.query(
    `DELETE FROM thread_co_authors c USING unnest($1::text[], $2::int4[]) AS t(address, n)
      WHERE c.thread_address = t.address AND c.position >= t.n`,
    [col(rows, 'address'), rows.map((r) => r.coAuthors.length)],
  );
  const flat = rows.flatMap((r) =>
    r.coAuthors.map((pubkey, position) => ({ address: r.address, position, pubkey, slot: r.coAuthorSlots[position] })),
  );
  await client.query(
    `INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot)
     SELECT * FROM unnest($1::text[], $2::int2[], $3::text[], $4::int8[])
     ON CONFLICT (thread_address, position) DO UPDATE SET pubkey = EXCLUDED.pubkey, added_slot = EXCLUDED.added_slot
      WHERE thread_co_authors.pubkey IS DISTINCT FROM EXCLUDED.pubkey
         OR thread_co_authors.added_slot IS DISTINCT FROM EXCLUDED.added_slot`,
    [col(flat, 'address'), col(flat, 'position'), col(flat, 'pubkey'), col(flat, 'slot')],
  );
}

export async function writeMessages(client: pg.ClientBase, rows: readonly MessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO messages (content_hash, thread_address, author, kind, status, chain_status, index_in_thread,
                           record_address, stake, expires_at, approve_bitmap, deny_bitmap, approvals, denials, slot,
                           write_version, tx_signature, instruction_index, commitment, chain_created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::message_kind[], $5::message_status[],
                          $6::chain_message_status[], $7::int4[], $8::text[], $9::int8[], $10::timestamptz[],
                          $11::int4[], $12::int4[], $13::int2[], $14::int2[], $15::int8[], $16::int8[], $17::text[],
                          $18::int2[], $19::commitment[], $20::timestamptz[])
     ON CONFLICT (content_hash) DO UPDATE SET
       thread_address = EXCLUDED.thread_address, author = EXCLUDED.author, kind = EXCLUDED.kind,
       status = EXCLUDED.status, chain_status = EXCLUDED.chain_status, index_in_thread = EXCLUDED.index_in_thread,
       record_address = EXCLUDED.record_address, stake = EXCLUDED.stake, expires_at = EXCLUDED.expires_at,
       approve_bitmap = EXCLUDED.approve_bitmap, deny_bitmap = EXCLUDED.deny_bitmap, approvals = EXCLUDED.approvals,
       denials = EXCLUDED.denials, slot = EXCLUDED.slot, write_version = EXCLUDED.write_version,
       tx_signature = EXCLUDED.tx_signature, instruction_index = EXCLUDED.instruction_index,
       commitment = EXCLUDED.commitment, chain_created_at = EXCLUDED.chain_created_at, updated_at = now()`,
    [
      col(rows, 'contentHash'),
      col(rows, 'threadAddress'),
      col(rows, 'author'),
      col(rows, 'kind'),
      col(rows, 'status'),
      col(rows, 'chainStatus'),
      col(rows, 'indexInThread'),
      col(rows, 'recordAddress'),
      col(rows, 'stake'),
      col(rows, 'expiresAt'),
      col(rows, 'approveBitmap'),
      col(rows, 'denyBitmap'),
      col(rows, 'approvals'),
      col(rows, 'denials'),
      col(rows, 'slot'),
      col(rows, 'writeVersion'),
      col(rows, 'txSignature'),
      col(rows, 'instructionIndex'),
      col(rows, 'commitment'),
      col(rows, 'chainCreatedAt'),
    ],
  );
}

export async function writeVotes(client: pg.ClientBase, rows: readonly VoteRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO votes (message_hash, voter, approve, slot, tx_signature, instruction_index, commitment)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bool[], $4::int8[], $5::text[], $6::int2[], $7::commitment[])
     ON CONFLICT (message_hash, voter) DO UPDATE SET approve = EXCLUDED.approve, slot = EXCLUDED.slot,
       tx_signature = EXCLUDED.tx_signature, instruction_index = EXCLUDED.instruction_index,
       commitment = EXCLUDED.commitment`,
    [
      col(rows, 'messageHash'),
      col(rows, 'voter'),
      col(rows, 'approve'),
      col(rows, 'slot'),
      col(rows, 'txSignature'),
      col(rows, 'instructionIndex'),
      col(rows, 'commitment'),
    ],
  );
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
      col(entries, 'slot'),
      col(entries, 'table'),
      col(entries, 'key'),
      entries.map((e) => (e.image === null ? null : JSON.stringify(e.image))),
    ],
  );
}

/** Hash columns are CHAR(64): keys are compared as bpchar so the primary key index applies (see load-state.ts). */
export async function deleteRows(client: pg.ClientBase, table: 'threads' | 'messages' | 'votes', keys: string[]) {
  if (keys.length === 0) return;
  if (table === 'threads') await client.query('DELETE FROM threads WHERE address = ANY ($1::text[])', [keys]);
  else if (table === 'messages')
    await client.query('DELETE FROM messages WHERE content_hash = ANY ($1::bpchar[])', [keys]);
  else {
    await client.query(
      `DELETE FROM votes v USING unnest($1::text[]) AS k(key)
        WHERE v.message_hash = split_part(k.key, ':', 1)::bpchar AND v.voter = split_part(k.key, ':', 2)`,
      [keys],
    );
  }
}
