/** Reads, in a handful of set-based queries, the rows a segment of updates may touch (see apply.ts). */
import type pg from 'pg';
import type { AccountUpdate, StreamUpdate, TransactionUpdate } from '../decode/types.js';
import type { LoadedState } from './apply.js';
import type { Overlay, StoredRows } from './overlay.js';
import { hex, type MessageRow, type ThreadRow } from './rows.js';

const THREAD_SELECT = `
SELECT t.address, t.thread_id, t.creator, t.message_count, t.spec_count, t.content_root, t.min_stake,
       t.spec_lifetime_seconds, t.lamports, t.slot, t.write_version, t.tx_signature, t.instruction_index,
       t.commitment, to_char(t.chain_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS chain_created_at,
       coalesce(array_agg(c.pubkey ORDER BY c.position) FILTER (WHERE c.pubkey IS NOT NULL), '{}') AS co_authors,
       coalesce(array_agg(c.added_slot::text ORDER BY c.position) FILTER (WHERE c.pubkey IS NOT NULL), '{}') AS co_author_slots
  FROM threads t LEFT JOIN thread_co_authors c ON c.thread_address = t.address
 WHERE t.address = ANY ($1::text[])
 GROUP BY t.address`;

// content_hash is CHAR(64): compared with a text array it is cast to text, its primary key index does not apply
// and every lookup reads the whole table (a bpchar array keeps the index: 113 ms → 3 ms for 700 keys of 177,000).
const MESSAGE_SELECT = `
SELECT content_hash, thread_address, author, kind, status, chain_status, index_in_thread, record_address, stake,
       to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at,
       approve_bitmap, deny_bitmap, approvals, denials, slot, write_version, tx_signature, instruction_index,
       commitment, to_char(chain_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS chain_created_at,
       content IS NOT NULL AS has_content
  FROM messages WHERE content_hash = ANY ($1::bpchar[])`;

// biome-ignore lint/suspicious/noExplicitAny: raw rows straight from pg
export function threadFromRow(r: any): ThreadRow {
  return {
    address: r.address,
    threadId: r.thread_id,
    creator: r.creator,
    coAuthors: r.co_authors,
    coAuthorSlots: r.co_author_slots,
    messageCount: String(r.message_count),
    specCount: String(r.spec_count),
    contentRoot: r.content_root,
    minStake: r.min_stake,
    specLifetime: r.spec_lifetime_seconds,
    lamports: r.lamports,
    slot: r.slot,
    writeVersion: r.write_version,
    txSignature: r.tx_signature,
    instructionIndex: r.instruction_index,
    commitment: r.commitment,
    chainCreatedAt: r.chain_created_at,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: raw rows straight from pg
export function messageFromRow(r: any): MessageRow {
  return {
    contentHash: r.content_hash,
    threadAddress: r.thread_address,
    author: r.author,
    kind: r.kind,
    status: r.status,
    chainStatus: r.chain_status,
    indexInThread: r.index_in_thread,
    recordAddress: r.record_address,
    stake: r.stake,
    expiresAt: r.expires_at,
    approveBitmap: r.approve_bitmap,
    denyBitmap: r.deny_bitmap,
    approvals: r.approvals,
    denials: r.denials,
    slot: r.slot,
    writeVersion: r.write_version,
    txSignature: r.tx_signature,
    instructionIndex: r.instruction_index,
    commitment: r.commitment,
    chainCreatedAt: r.chain_created_at,
    hasContent: r.has_content,
  };
}

/** The stored threads (with co-authors) and messages among the given keys. */
export async function readStoredRows(
  client: pg.ClientBase,
  threadKeys: Iterable<string>,
  hashes: Iterable<string>,
): Promise<StoredRows> {
  const t = [...threadKeys];
  const h = [...hashes];
  const threads = t.length ? await client.query(THREAD_SELECT, [t]) : { rows: [] };
  const messages = h.length ? await client.query(MESSAGE_SELECT, [h]) : { rows: [] };
  return {
    threads: new Map(threads.rows.map((r) => [r.address, threadFromRow(r)])),
    messages: new Map(messages.rows.map((r) => [r.content_hash, messageFromRow(r)])),
  };
}

/** Every thread and message the account updates of a batch may touch, as stored. */
export async function readStoredRowsFor(client: pg.ClientBase, updates: readonly StreamUpdate[]) {
  const threadKeys = new Set<string>();
  const hashes = new Set<string>();
  for (const u of updates) {
    if (u.kind !== 'account') continue;
    if (u.account.kind === 'thread') threadKeys.add(u.pubkey);
    else {
      threadKeys.add(u.account.thread);
      hashes.add(hex(u.account.contentHash));
    }
  }
  return readStoredRows(client, threadKeys, hashes);
}

/** The slots among `slots` recorded as dead. */
export async function readDeadSlots(client: pg.ClientBase, stream: string, slots: Iterable<string>) {
  const dead = await client.query<{ slot: string }>(
    `SELECT slot FROM indexer_slots WHERE stream = $1 AND status = 'dead' AND slot = ANY ($2::int8[])`,
    [stream, [...slots]],
  );
  return new Set(dead.rows.map((r) => r.slot));
}

export async function loadState(
  client: pg.ClientBase,
  stream: string,
  updates: readonly (AccountUpdate | TransactionUpdate)[],
  finalizedSlot: bigint | null,
  confirmedSlot: bigint | null,
  /** The batch's pending rows: newer than what is stored, so used instead of it (and not read). */
  overlay?: Overlay,
): Promise<LoadedState> {
  const threadKeys = new Set<string>();
  const hashes = new Set<string>();
  const slots = new Set<string>();
  const signatures = new Set<string>();
  for (const u of updates) {
    slots.add(u.slot.toString());
    if (u.kind === 'transaction') {
      if (u.instructions.some((i) => i.instruction.name === 'divest')) signatures.add(u.signature);
    } else if (u.account.kind === 'thread') {
      if (!overlay?.threads.has(u.pubkey)) threadKeys.add(u.pubkey);
    } else {
      if (!overlay?.threads.has(u.account.thread)) threadKeys.add(u.account.thread);
      const hash = hex(u.account.contentHash);
      if (!overlay?.messages.has(hash)) hashes.add(hash);
    }
  }
  // One client runs one query at a time: sequential awaits (pg 9 drops implicit queueing).
  const stored = overlay?.stored ?? (await readStoredRows(client, threadKeys, hashes));
  const divested = signatures.size
    ? await client.query<{ id: string }>(
        `SELECT tx_signature || ':' || instruction_index AS id FROM events
            WHERE type = 'Divested' AND slot = ANY ($1::int8[]) AND tx_signature = ANY ($2::text[])`,
        [[...slots], [...signatures]],
      )
    : { rows: [] as { id: string }[] };
  const deadSlots = overlay?.deadSlots ?? (await readDeadSlots(client, stream, slots));
  const state = {
    threads: new Map<string, ThreadRow>(),
    messages: new Map<string, MessageRow>(),
    divested: new Set(divested.rows.map((r) => r.id)),
    deadSlots,
    finalizedSlot,
    confirmedSlot,
  };
  // The rows the segment touches: the overlay's pending version, else the stored one.
  for (const u of updates) {
    if (u.kind !== 'account') continue;
    const address = u.account.kind === 'thread' ? u.pubkey : u.account.thread;
    const t = overlay?.threads.get(address) ?? stored.threads.get(address);
    if (t) state.threads.set(address, t);
    if (u.account.kind === 'message') {
      const hash = hex(u.account.contentHash);
      const m = overlay?.messages.get(hash) ?? stored.messages.get(hash);
      if (m) state.messages.set(hash, m);
    }
  }
  if (overlay) {
    for (const id of overlay.divested) state.divested.add(id);
  }
  return state;
}
