/**
 * The seed's `sync_state` for one thread: read the thread and its message records from the chain, its points from
 * the vector store and its rows from Postgres, and list every way they disagree. The chain is the reference: what it
 * holds must be in the vector store (content) and in Postgres (rows), with the same co-authors everywhere, and the
 * content root recomputed from the hashes in order must equal the chain's.
 */
import bs58 from 'bs58';
import type pg from 'pg';
import {
  decodeMessageAccount,
  decodeThreadAccount,
  type MessageAccount,
  nextContentRoot,
} from '../../programs/choir/client/index.js';
import type { RpcClient } from '../chain/rpc-client.js';
import { ChoirError } from '../errors/index.js';
import type { PointPayload, VectorStore } from '../vector/types.js';
import type { Difference, SyncReport } from './types.js';

export interface SyncDeps {
  readonly pool: pg.Pool;
  readonly store: Pick<VectorStore, 'scroll'>;
  readonly rpc: RpcClient;
  readonly programId: string;
}

/** Offset of `thread` in a Message account (programs/choir/README.md). */
const MESSAGE_THREAD_OFFSET = 16;
const MESSAGE_ACCOUNT_SIZE = 168;

type Rpcd = { pubkey: string; account: { data: [string, string] } };

async function readChain(rpc: RpcClient, programId: string, thread: string) {
  const info = await rpc.call<{ value: { data: [string, string] } | null }>('getAccountInfo', [
    thread,
    { encoding: 'base64', commitment: 'confirmed' },
  ]);
  if (!info.value) throw new ChoirError('NOT_FOUND', `thread ${thread} does not exist on chain`);
  const decoded = decodeThreadAccount(Buffer.from(info.value.data[0], 'base64'));
  if (!decoded.ok) throw decoded.error;
  const accounts = await rpc.call<Rpcd[]>('getProgramAccounts', [
    programId,
    {
      encoding: 'base64',
      commitment: 'confirmed',
      filters: [{ dataSize: MESSAGE_ACCOUNT_SIZE }, { memcmp: { offset: MESSAGE_THREAD_OFFSET, bytes: thread } }],
    },
  ]);
  const messages = new Map<string, MessageAccount>();
  for (const a of accounts) {
    const m = decodeMessageAccount(Buffer.from(a.account.data[0], 'base64'));
    if (m.ok) messages.set(a.pubkey, m.value);
  }
  return { thread: decoded.value, messages };
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

async function readRows(pool: pg.Pool, thread: string) {
  const rows = await pool.query<{ address: string; content_hash: string; author: string; has_content: boolean }>(
    'SELECT address, content_hash, author, content IS NOT NULL AS has_content FROM messages WHERE thread_address = $1',
    [thread],
  );
  const co = await pool.query<{ pubkey: string }>(
    'SELECT pubkey FROM thread_co_authors WHERE thread_address = $1 ORDER BY position',
    [thread],
  );
  return { rows: new Map(rows.rows.map((r) => [r.address, r])), coAuthors: co.rows.map((r) => r.pubkey) };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - t)];
}

export async function syncThread(deps: SyncDeps, threadAddress: string): Promise<SyncReport> {
  const started = performance.now();
  const [[chain, chainMs], [points, vectorMs], [pg, postgresMs]] = await Promise.all([
    timed(() => readChain(deps.rpc, deps.programId, threadAddress)),
    timed(() => readPoints(deps.store, threadAddress)),
    timed(() => readRows(deps.pool, threadAddress)),
  ]);
  const differences: Difference[] = [];
  const coAuthors = chain.thread.coAuthors;
  if (!same(pg.coAuthors, coAuthors)) {
    differences.push({
      kind: 'co_author_mismatch',
      address: threadAddress,
      detail: `Postgres lists [${pg.coAuthors.join(', ')}], the chain [${coAuthors.join(', ')}]`,
    });
  }
  for (const [address, m] of chain.messages) {
    const hash = Buffer.from(m.contentHash).toString('hex');
    const row = pg.rows.get(address);
    const point = points.get(address);
    if (!row) differences.push({ kind: 'missing_row', address, detail: 'on chain, not in Postgres' });
    else if (row.content_hash !== hash || row.author !== m.author) {
      differences.push({
        kind: 'row_mismatch',
        address,
        detail: `Postgres has hash ${row.content_hash} by ${row.author}`,
      });
    }
    if (!point) {
      // Only the backend's copy can restore a point; without it the content exists nowhere off chain.
      if (row?.has_content) differences.push({ kind: 'missing_point', address, detail: 'no vector-store point' });
      else differences.push({ kind: 'content_lost', address, detail: 'no point and no content copy in Postgres' });
    } else if (point.content_hash !== hash || point.thread_id !== threadAddress || point.author !== m.author) {
      differences.push({ kind: 'payload_mismatch', address, detail: `point has hash ${point.content_hash}` });
    } else if (!same(point.co_authors, coAuthors)) {
      differences.push({ kind: 'payload_mismatch', address, detail: 'point co-authors differ from the chain' });
    }
  }
  // The root folds published messages and approved specs in the order they entered the thread. Messages carry
  // that order (index); approved specs do not, so with any approved spec the root cannot be recomputed here.
  const included = [...chain.messages.values()].filter((m) => m.status === 'Published' || m.status === 'Approved');
  const rootChecked = included.every((m) => m.messageKind === 'message');
  if (rootChecked) {
    let root: Uint8Array = new Uint8Array(32);
    for (const m of included.sort((a, b) => Number(a.index - b.index))) root = nextContentRoot(root, m.contentHash);
    if (!Buffer.from(root).equals(Buffer.from(chain.thread.contentRoot))) {
      differences.push({
        kind: 'root_mismatch',
        address: threadAddress,
        detail: `recomputed ${bs58.encode(root)}, chain ${bs58.encode(chain.thread.contentRoot)}`,
      });
    }
  }
  return {
    threadAddress,
    consistent: differences.length === 0,
    differences,
    chainMessages: chain.messages.size,
    points: points.size,
    rows: pg.rows.size,
    rootChecked,
    timings: { chainMs, vectorMs, postgresMs, totalMs: Math.round(performance.now() - started) },
  };
}
