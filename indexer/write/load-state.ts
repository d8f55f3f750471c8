/** Reads, in a handful of set-based queries, the rows a segment of updates may touch (see apply.ts). */
import type pg from 'pg';
import { fromRow, selectList } from '../../src/db/table.js';
import type { AccountUpdate, StreamUpdate, TransactionUpdate } from '../decode/types.js';
import type { LoadedState } from './apply.js';
import type { Overlay, StoredRows } from './overlay.js';
import type { MessageRow, ThreadRow } from './rows.js';
import { MESSAGES, THREADS } from './tables.js';

const THREAD_SELECT = `
SELECT ${selectList(THREADS, 't')},
       coalesce(array_agg(c.pubkey ORDER BY c.position) FILTER (WHERE c.pubkey IS NOT NULL), '{}') AS co_authors,
       coalesce(array_agg(c.added_slot::text ORDER BY c.position) FILTER (WHERE c.pubkey IS NOT NULL), '{}') AS co_author_slots,
       coalesce(array_agg(c.entitlement::text ORDER BY c.position) FILTER (WHERE c.pubkey IS NOT NULL), '{}') AS co_author_entitlements,
       coalesce(array_agg(c.withdrawn::text ORDER BY c.position) FILTER (WHERE c.pubkey IS NOT NULL), '{}') AS co_author_withdrawn
  FROM threads t LEFT JOIN thread_co_authors c ON c.thread_address = t.address
 WHERE t.address = ANY ($1::text[])
 GROUP BY t.address`;

const MESSAGE_SELECT = `SELECT ${selectList(MESSAGES)} FROM messages WHERE address = ANY ($1::text[])`;

// biome-ignore lint/suspicious/noExplicitAny: raw rows straight from pg
export function threadFromRow(r: any): ThreadRow {
  const row = fromRow(THREADS, r);
  row.coAuthors = r.co_authors;
  row.coAuthorSlots = r.co_author_slots;
  row.coAuthorEntitlements = r.co_author_entitlements;
  row.coAuthorWithdrawn = r.co_author_withdrawn;
  return row;
}

// biome-ignore lint/suspicious/noExplicitAny: raw rows straight from pg
export const messageFromRow = (r: any): MessageRow => fromRow(MESSAGES, r);

/** The stored threads (with co-authors) and messages among the given keys. */
export async function readStoredRows(
  client: pg.ClientBase,
  threadKeys: Iterable<string>,
  messageKeys: Iterable<string>,
): Promise<StoredRows> {
  const t = [...threadKeys];
  const h = [...messageKeys];
  const threads = t.length ? await client.query(THREAD_SELECT, [t]) : { rows: [] };
  const messages = h.length ? await client.query(MESSAGE_SELECT, [h]) : { rows: [] };
  return {
    threads: new Map(threads.rows.map((r) => [r.address, threadFromRow(r)])),
    messages: new Map(messages.rows.map((r) => [r.address, messageFromRow(r)])),
  };
}

/** Every thread and message the account updates of a batch may touch, as stored. */
export async function readStoredRowsFor(client: pg.ClientBase, updates: readonly StreamUpdate[]) {
  const threadKeys = new Set<string>();
  const messageKeys = new Set<string>();
  for (const u of updates) {
    if (u.kind !== 'account') continue;
    if (u.account.kind === 'thread') threadKeys.add(u.pubkey);
    else {
      threadKeys.add(u.account.thread);
      messageKeys.add(u.pubkey);
    }
  }
  return readStoredRows(client, threadKeys, messageKeys);
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
  const messageKeys = new Set<string>();
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
      if (!overlay?.messages.has(u.pubkey)) messageKeys.add(u.pubkey);
    }
  }
  // One client runs one query at a time: sequential awaits (pg 9 drops implicit queueing).
  const stored = overlay?.stored ?? (await readStoredRows(client, threadKeys, messageKeys));
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
      const m = overlay?.messages.get(u.pubkey) ?? stored.messages.get(u.pubkey);
      if (m) state.messages.set(u.pubkey, m);
    }
  }
  if (overlay) {
    for (const id of overlay.divested) state.divested.add(id);
  }
  return state;
}
