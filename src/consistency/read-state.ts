/**
 * One thread as each of the three systems holds it, read side by side: the chain (its Thread account and every
 * Message record, at `confirmed`), the vector store (its message points, content included) and Postgres (its rows,
 * content copy included, and co-authors), plus where the indexer stands, so `compare` can tell a difference from a
 * change still on its way.
 */
import type pg from 'pg';
import {
  decodeMessageAccount,
  decodeThreadAccount,
  MESSAGE_ACCOUNT_SIZE,
  type MessageAccount,
  MessageOffsets,
  type ThreadAccount,
} from '../../programs/choir/client/index.js';
import type { RpcClient } from '../chain/rpc-client.js';
import { ChoirError } from '../errors/index.js';
import type { PointPayload, VectorStore } from '../vector/types.js';

export interface StateDeps {
  readonly pool: pg.Pool;
  readonly store: Pick<VectorStore, 'scroll'>;
  readonly rpc: RpcClient;
  readonly programId: string;
  /** The indexer stream whose cursor says how far Postgres has caught up (default `choir`). */
  readonly stream?: string;
}

export interface ChainThread {
  readonly account: ThreadAccount;
  readonly lamports: bigint;
  readonly messages: Map<string, MessageAccount>;
}

export interface MessageRowState {
  readonly address: string;
  readonly content_hash: string;
  readonly author: string;
  readonly content: string | null;
  readonly status: string;
  readonly slot: string | null;
  readonly created_at: Date;
  readonly last_error: string | null;
}

export interface IndexerPosition {
  /** Every chain change up to this slot is applied to Postgres. */
  readonly slot: bigint;
  readonly confirmedSlot: bigint | null;
  readonly finalizedSlot: bigint | null;
}

export interface ThreadState {
  readonly threadAddress: string;
  readonly chain: ChainThread;
  /** Message points by message address. */
  readonly points: Map<string, PointPayload>;
  /** Whether Postgres has the thread's row at all. */
  readonly threadRow: boolean;
  readonly rows: Map<string, MessageRowState>;
  /** Postgres's votes by message address: voter → approve. */
  readonly votes: Map<string, Map<string, boolean>>;
  readonly coAuthors: string[];
  /** Null when no indexer has run against this database. */
  readonly indexer: IndexerPosition | null;
  /** A co-author update for this thread's points is queued (the `vector.payload` outbox) and not applied yet. */
  readonly coAuthorUpdateQueued: boolean;
  readonly timings: { chainMs: number; vectorMs: number; postgresMs: number };
}

type RpcAccount = { pubkey: string; account: { data: [string, string] } };

/** The Thread account first, then its records: a record posted in between is newer than the root read (compare.ts). */
async function readChain(rpc: RpcClient, programId: string, thread: string): Promise<ChainThread> {
  const info = await rpc.call<{ value: { data: [string, string]; lamports: number } | null }>('getAccountInfo', [
    thread,
    { encoding: 'base64', commitment: 'confirmed' },
  ]);
  if (!info.value) {
    throw new ChoirError('NOT_FOUND', `thread ${thread} does not exist on chain`, {
      details: { threadAddress: thread },
    });
  }
  const decoded = decodeThreadAccount(Buffer.from(info.value.data[0], 'base64'));
  if (!decoded.ok) throw decoded.error;
  const accounts = await rpc.call<RpcAccount[]>('getProgramAccounts', [
    programId,
    {
      encoding: 'base64',
      commitment: 'confirmed',
      filters: [{ dataSize: MESSAGE_ACCOUNT_SIZE }, { memcmp: { offset: MessageOffsets.thread, bytes: thread } }],
    },
  ]);
  const messages = new Map<string, MessageAccount>();
  for (const a of accounts) {
    const m = decodeMessageAccount(Buffer.from(a.account.data[0], 'base64'));
    if (m.ok) messages.set(a.pubkey, m.value);
  }
  return { account: decoded.value, lamports: BigInt(info.value.lamports), messages };
}

async function readPoints(store: Pick<VectorStore, 'scroll'>, thread: string) {
  const points = new Map<string, PointPayload>();
  let cursor: string | undefined;
  do {
    const page = await store.scroll({ filter: { threadId: thread, kind: 'message' }, limit: 1000, cursor });
    for (const p of page.points) points.set(p.payload.message_address, p.payload);
    cursor = page.nextCursor;
  } while (cursor);
  return points;
}

async function readPostgres(pool: pg.Pool, thread: string, stream: string) {
  // The cursor before the rows: every change it covers is then already visible to the reads that follow.
  const cursor = await pool.query<{ slot: string; confirmed_slot: string | null; finalized_slot: string | null }>(
    'SELECT slot::text, confirmed_slot::text, finalized_slot::text FROM indexer_cursors WHERE stream = $1',
    [stream],
  );
  const [threadRow, rows, votes, co] = await Promise.all([
    pool.query('SELECT 1 FROM threads WHERE address = $1', [thread]),
    pool.query<MessageRowState>(
      `SELECT address, content_hash, author, content, status, slot::text AS slot, created_at, last_error
         FROM messages WHERE thread_address = $1`,
      [thread],
    ),
    pool.query<{ message_address: string; voter: string; approve: boolean }>(
      `SELECT v.message_address, v.voter, v.approve
         FROM votes v JOIN messages m ON m.address = v.message_address WHERE m.thread_address = $1`,
      [thread],
    ),
    pool.query<{ pubkey: string }>('SELECT pubkey FROM thread_co_authors WHERE thread_address = $1 ORDER BY position', [
      thread,
    ]),
  ]);
  // After the co-authors: an update the indexer committed with them is then either still queued here or applied
  // to the points before they are read.
  const queued = await pool.query(
    `SELECT 1 FROM outbox WHERE kind = 'vector.payload' AND key = $1 AND state IN ('PENDING', 'RUNNING')`,
    [`thread:${thread}`],
  );
  const c = cursor.rows[0];
  const byMessage = new Map<string, Map<string, boolean>>();
  for (const v of votes.rows) {
    const of = byMessage.get(v.message_address) ?? new Map<string, boolean>();
    of.set(v.voter, v.approve);
    byMessage.set(v.message_address, of);
  }
  return {
    threadRow: (threadRow.rowCount ?? 0) > 0,
    rows: new Map(rows.rows.map((r) => [r.address, r])),
    votes: byMessage,
    coAuthors: co.rows.map((r) => r.pubkey),
    indexer: c
      ? {
          slot: BigInt(c.slot),
          confirmedSlot: c.confirmed_slot === null ? null : BigInt(c.confirmed_slot),
          finalizedSlot: c.finalized_slot === null ? null : BigInt(c.finalized_slot),
        }
      : null,
    coAuthorUpdateQueued: (queued.rowCount ?? 0) > 0,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - t)];
}

export async function readThreadState(deps: StateDeps, threadAddress: string): Promise<ThreadState> {
  // Postgres first: a chain change the indexer applies while the chain is read then counts as still on its way
  // (its slot is past the cursor read here), never as a difference.
  const [pg, postgresMs] = await timed(() => readPostgres(deps.pool, threadAddress, deps.stream ?? 'choir'));
  const [[chain, chainMs], [points, vectorMs]] = await Promise.all([
    timed(() => readChain(deps.rpc, deps.programId, threadAddress)),
    timed(() => readPoints(deps.store, threadAddress)),
  ]);
  return { threadAddress, chain, points, ...pg, timings: { chainMs, vectorMs, postgresMs } };
}
