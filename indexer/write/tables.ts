/**
 * The indexed tables, each defined once (see src/db/table.ts): the writer's upserts, the loader's SELECTs and the
 * mapping of raw rows to `rows.ts` images all derive from these. Columns the backend owns (a message's content and
 * last error, a thread's title) are not listed, so the indexer never writes them. `tables.test.ts` pins each
 * definition against prisma/schema.prisma.
 */
import { type ColumnDef, defineTable } from '../../src/db/table.js';
import type { CoAuthorRow, MessageRow, ThreadRow, VoteRow } from './rows.js';

/** The provenance columns every chain-derived row carries, in the same order in each table. */
function provenance<
  Row extends Record<
    'slot' | 'writeVersion' | 'txSignature' | 'instructionIndex' | 'commitment' | 'chainCreatedAt',
    unknown
  >,
>(): ColumnDef<Row>[] {
  return [
    { field: 'slot', column: 'slot', type: 'int8' },
    { field: 'writeVersion', column: 'write_version', type: 'int8' },
    { field: 'txSignature', column: 'tx_signature', type: 'text' },
    { field: 'instructionIndex', column: 'instruction_index', type: 'int2' },
    { field: 'commitment', column: 'commitment', type: 'commitment' },
    { field: 'chainCreatedAt', column: 'chain_created_at', type: 'timestamptz' },
  ];
}

export const THREADS = defineTable<ThreadRow>({
  name: 'threads',
  key: ['address'],
  touchesUpdatedAt: true,
  columns: [
    { field: 'address', column: 'address', type: 'text' },
    // The thread's identity (its address is the PDA of these): never rewritten. An upsert that SETs a column of a
    // unique index locks the row FOR UPDATE, which blocks every foreign-key check on it (a message accepted into
    // the thread) until the indexer's batch commits; without them it takes FOR NO KEY UPDATE, which does not.
    { field: 'threadId', column: 'thread_id', type: 'bpchar', keep: true },
    { field: 'creator', column: 'creator', type: 'text', keep: true },
    { field: 'messageCount', column: 'message_count', type: 'int4', asString: true },
    { field: 'specCount', column: 'spec_count', type: 'int4', asString: true },
    { field: 'contentRoot', column: 'content_root', type: 'bpchar' },
    { field: 'minStake', column: 'min_stake', type: 'int8' },
    { field: 'specLifetime', column: 'spec_lifetime_seconds', type: 'int8' },
    { field: 'lamports', column: 'lamports', type: 'int8' },
    { field: 'incomePerCoAuthor', column: 'income_per_co_author', type: 'int8' },
    { field: 'accountedLamports', column: 'accounted_lamports', type: 'int8' },
    ...provenance<ThreadRow>(),
  ],
});

export const CO_AUTHORS = defineTable<CoAuthorRow>({
  name: 'thread_co_authors',
  key: ['thread_address', 'position'],
  columns: [
    { field: 'threadAddress', column: 'thread_address', type: 'text' },
    { field: 'position', column: 'position', type: 'int2' },
    { field: 'pubkey', column: 'pubkey', type: 'text' },
    { field: 'addedSlot', column: 'added_slot', type: 'int8' },
    { field: 'entitlement', column: 'entitlement', type: 'int8' },
    { field: 'withdrawn', column: 'withdrawn', type: 'int8' },
  ],
});

export const MESSAGES = defineTable<MessageRow>({
  name: 'messages',
  key: ['address'],
  touchesUpdatedAt: true,
  columns: [
    { field: 'address', column: 'address', type: 'text' },
    // The record's identity (its address is the PDA of thread and hash): never rewritten, as the thread's above
    // (votes reference the message row; their foreign-key checks need not wait for the indexer's batch).
    { field: 'threadAddress', column: 'thread_address', type: 'text', keep: true },
    { field: 'contentHash', column: 'content_hash', type: 'bpchar', keep: true },
    { field: 'author', column: 'author', type: 'text' },
    { field: 'kind', column: 'kind', type: 'message_kind' },
    { field: 'status', column: 'status', type: 'message_status' },
    { field: 'chainStatus', column: 'chain_status', type: 'chain_message_status' },
    { field: 'indexInThread', column: 'index_in_thread', type: 'int4' },
    { field: 'stake', column: 'stake', type: 'int8' },
    { field: 'expiresAt', column: 'expires_at', type: 'timestamptz' },
    { field: 'approveBitmap', column: 'approve_bitmap', type: 'int4' },
    { field: 'denyBitmap', column: 'deny_bitmap', type: 'int4' },
    { field: 'approvals', column: 'approvals', type: 'int2' },
    { field: 'denials', column: 'denials', type: 'int2' },
    ...provenance<MessageRow>(),
  ],
  // Whether the backend holds the content (and so the vector store a point): read, never written here.
  derived: [{ field: 'hasContent', column: 'has_content', sql: '$.content IS NOT NULL' }],
});

export const VOTES = defineTable<VoteRow>({
  name: 'votes',
  key: ['message_address', 'voter'],
  columns: [
    { field: 'messageAddress', column: 'message_address', type: 'text' },
    { field: 'voter', column: 'voter', type: 'text' },
    { field: 'approve', column: 'approve', type: 'bool' },
    { field: 'slot', column: 'slot', type: 'int8' },
    { field: 'txSignature', column: 'tx_signature', type: 'text' },
    { field: 'instructionIndex', column: 'instruction_index', type: 'int2' },
    { field: 'commitment', column: 'commitment', type: 'commitment' },
  ],
});
