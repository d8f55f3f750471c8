/**
 * `choir rebuild-index`: re-embed every message with content into a new physical collection, then swap the alias.
 * Search keeps answering from the old collection until the swap (one step), and every point of the new one is
 * keyed by the message's record address — which is what re-keys a Qdrant collection still holding content-hash ids.
 *
 * Postgres's content copy is the source. Writes the live pipeline makes meanwhile still go to the old collection,
 * so after the copy, rows changed since it began are copied again (catch-up rounds), and once more after the swap;
 * each round looks back a little further than its start, since a row's `updated_at` is its transaction's start and
 * it may commit later. Content that only the old collection holds (a point whose message has no Postgres copy) is
 * carried over, re-embedded, rather than dropped with the old collection.
 */
import { PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { findMessageAddress } from '../../programs/choir/client/index.js';
import type { Embedder } from '../embed/types.js';
import type { Logger } from '../observability/logger.js';
import { physicalNameFor } from '../vector/collection-names.js';
import { MESSAGE_POINT_COLUMNS, type MessagePointRow, messagePointPayload } from '../vector/message-point.js';
import { isContentHash, isRecordAddress, sha256Hex } from '../vector/point-id.js';
import {
  THREAD_POINT_COLUMNS,
  type ThreadPointRow,
  threadPointPayload,
  threadRegistration,
} from '../vector/register-thread.js';
import type { PointPayload, VectorPoint, VectorStore } from '../vector/types.js';

export interface RebuildDeps {
  readonly pool: pg.Pool;
  readonly store: VectorStore;
  readonly embedder: Pick<Embedder, 'embed'>;
  readonly logger: Logger;
}

export type RebuildPhase = 'copy' | 'carry-over' | 'catch-up' | 'swap' | 'drop';

export interface RebuildProgress {
  readonly phase: RebuildPhase;
  readonly done: number;
  readonly total: number;
}

export interface RebuildOptions {
  /** Called after every page; awaited, so a caller may pace the rebuild. */
  readonly onProgress?: (p: RebuildProgress) => void | Promise<void>;
  /** Messages embedded and upserted at once. */
  readonly batch?: number;
  /** Keep the old collection after the swap (default: dropped). */
  readonly keepPrevious?: boolean;
}

export interface RebuildReport {
  readonly previous: string | undefined;
  readonly collection: string;
  /** Message points written from Postgres (catch-up rewrites included once per message). */
  readonly messages: number;
  readonly threads: number;
  /** Points carried over from the old collection: content Postgres has no copy of. */
  readonly carriedOver: number;
  readonly caughtUp: number;
  readonly dropped: boolean;
  readonly totalMs: number;
}

/** How far each catch-up round looks back before its start (a transaction's rows carry its start time). */
const LOOK_BACK_SECONDS = 10;
const CATCH_UP_ROUNDS = 5;

/** Rows whose point belongs in the collection (the others' points, if any, are removed by a catch-up). */
const LIVE = `m.content IS NOT NULL AND m.status <> 'ROLLED_BACK'`;

async function embedInto(target: VectorStore, embedder: RebuildDeps['embedder'], payloads: readonly PointPayload[]) {
  if (payloads.length === 0) return;
  const vectors = await embedder.embed(payloads.map((p) => p.content));
  await target.upsert(payloads.map((payload, i): VectorPoint => ({ vector: vectors[i] as Float32Array, payload })));
}

/** The next generation's name, clear of a leftover from an interrupted rebuild. */
async function nextCollection(store: VectorStore, current: string): Promise<string> {
  const generation = Number(/_(\d+)$/.exec(current)?.[1] ?? 0);
  const name = physicalNameFor(store.collection, Math.max(generation, 1) + 1);
  if (await store.withCollection(name).describe()) await store.dropCollection(name);
  return name;
}

async function copyMessages(deps: RebuildDeps, target: VectorStore, batch: number, o: RebuildOptions) {
  const { rows: count } = await deps.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM messages m WHERE ${LIVE}`,
  );
  const total = count[0]?.n ?? 0;
  let done = 0;
  let after = '';
  for (;;) {
    const { rows } = await deps.pool.query<MessagePointRow>(
      `SELECT ${MESSAGE_POINT_COLUMNS} FROM messages m WHERE ${LIVE} AND m.address > $1 ORDER BY m.address LIMIT $2`,
      [after, batch],
    );
    if (rows.length === 0) break;
    await embedInto(target, deps.embedder, rows.map(messagePointPayload));
    done += rows.length;
    after = (rows[rows.length - 1] as MessagePointRow).address;
    await o.onProgress?.({ phase: 'copy', done, total: Math.max(total, done) });
  }
  return done;
}

/** One point per thread (kind `thread`), searchable by its title, as `registerThread` writes it. */
async function copyThreads(deps: RebuildDeps, target: VectorStore) {
  const { rows } = await deps.pool.query<ThreadPointRow>(`SELECT ${THREAD_POINT_COLUMNS} FROM threads t`);
  for (let i = 0; i < rows.length; i += 256) {
    await embedInto(
      target,
      deps.embedder,
      rows.slice(i, i + 256).map((t) => threadPointPayload(threadRegistration(t))),
    );
  }
  return rows.length;
}

/** The address a point stands for: its own, or (a point of the old identity) derived from thread and hash. */
function addressOf(p: PointPayload): string | undefined {
  if (isRecordAddress(p.message_address)) return p.message_address;
  if (!isRecordAddress(p.thread_id) || !isContentHash(p.content_hash)) return undefined;
  return findMessageAddress(new PublicKey(p.thread_id), Buffer.from(p.content_hash, 'hex'))[0].toBase58();
}

async function carryOver(deps: RebuildDeps, target: VectorStore, batch: number, o: RebuildOptions) {
  let carried = 0;
  let seen = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.scroll({ filter: { kind: 'message' }, limit: batch, cursor });
    cursor = page.nextCursor;
    seen += page.points.length;
    const candidates = page.points
      .map((p) => ({ payload: p.payload, address: addressOf(p.payload) }))
      .filter((c) => c.address !== undefined && sha256Hex(c.payload.content ?? '') === c.payload.content_hash);
    const { rows } = await deps.pool.query<{ address: string }>(
      `SELECT address FROM messages WHERE address = ANY ($1::text[]) AND (content IS NOT NULL OR status = 'ROLLED_BACK')`,
      [candidates.map((c) => c.address)],
    );
    const covered = new Set(rows.map((r) => r.address));
    const orphans = candidates.filter((c) => !covered.has(c.address as string));
    await embedInto(
      target,
      deps.embedder,
      orphans.map((c) => ({ ...c.payload, message_address: c.address as string })),
    );
    carried += orphans.length;
    await o.onProgress?.({ phase: 'carry-over', done: seen, total: seen + (cursor ? batch : 0) });
  } while (cursor);
  return carried;
}

/**
 * Rewrites the points of rows changed since `since` (database time), and the co-authors of threads changed since
 * (one payload write per thread, as the indexer's outbox does); returns the next round's start.
 */
async function catchUp(deps: RebuildDeps, target: VectorStore, since: Date, batch: number) {
  const { rows: now } = await deps.pool.query<{ now: Date }>('SELECT now() AS now');
  const { rows } = await deps.pool.query<MessagePointRow>(
    `SELECT ${MESSAGE_POINT_COLUMNS} FROM messages m WHERE m.updated_at >= $1`,
    [since],
  );
  const live = rows.filter((r) => r.content !== null && r.status !== 'ROLLED_BACK');
  // Rolled back: its point was removed from the old collection. A row without content is left alone: its point,
  // if any, was carried over.
  const gone = rows.filter((r) => r.status === 'ROLLED_BACK').map((r) => r.address);
  for (let i = 0; i < live.length; i += batch) {
    await embedInto(target, deps.embedder, live.slice(i, i + batch).map(messagePointPayload));
  }
  if (gone.length > 0) await target.deletePoints({ messageAddresses: gone });
  const { rows: threads } = await deps.pool.query<{ address: string; co_authors: string[] | null }>(
    `SELECT t.address, (SELECT array_agg(c.pubkey ORDER BY c.position) FROM thread_co_authors c
                         WHERE c.thread_address = t.address) AS co_authors
       FROM threads t WHERE t.updated_at >= $1`,
    [since],
  );
  for (const t of threads) {
    await target.setPayload({ co_authors: t.co_authors ?? [] }, { filter: { threadId: t.address } });
  }
  const next = new Date((now[0] as { now: Date }).now.getTime() - LOOK_BACK_SECONDS * 1000);
  return { next, changed: rows.length };
}

export async function rebuildIndex(deps: RebuildDeps, o: RebuildOptions = {}): Promise<RebuildReport> {
  const started = performance.now();
  const log = deps.logger.child({ component: 'rebuild-index' });
  const batch = o.batch ?? 256;
  // A collection another embedder built is still described (ensureCollection would refuse it).
  const current = (await deps.store.describe()) ?? (await deps.store.ensureCollection());
  const name = await nextCollection(deps.store, current.physicalName);
  const target = deps.store.withCollection(name);
  await target.ensureCollection();
  log.info({ from: current.physicalName, to: name }, 'rebuilding the vector index');

  const { rows: begin } = await deps.pool.query<{ now: Date }>(`SELECT now() - make_interval(secs => $1) AS now`, [
    LOOK_BACK_SECONDS,
  ]);
  let since = (begin[0] as { now: Date }).now;
  const messages = await copyMessages(deps, target, batch, o);
  const threads = await copyThreads(deps, target);
  const carriedOver = await carryOver(deps, target, batch, o);
  let caughtUp = 0;
  for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
    const { next, changed } = await catchUp(deps, target, since, batch);
    since = next;
    caughtUp += changed;
    await o.onProgress?.({ phase: 'catch-up', done: round + 1, total: CATCH_UP_ROUNDS });
    if (changed < batch) break;
  }
  const { previous } = await deps.store.swapAlias(name);
  await o.onProgress?.({ phase: 'swap', done: 1, total: 1 });
  // Writes that reached the old collection during the last round and the swap: the alias now serves the new one.
  caughtUp += (await catchUp(deps, deps.store, since, batch)).changed;
  let dropped = false;
  if (previous && previous !== name && !o.keepPrevious) {
    await deps.store.dropCollection(previous);
    dropped = true;
    await o.onProgress?.({ phase: 'drop', done: 1, total: 1 });
  }
  const report = {
    previous,
    collection: name,
    messages,
    threads,
    carriedOver,
    caughtUp,
    dropped,
    totalMs: Math.round(performance.now() - started),
  };
  log.info(report, 'vector index rebuilt');
  return report;
}
