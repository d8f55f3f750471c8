import type { Embedder } from '../embed/types.js';
import { sha256Hex } from './point-id.js';
import type { PointPayload, VectorStore } from './types.js';

export interface ThreadRegistration {
  /** The thread's on-chain address (base58). */
  threadId: string;
  creator: string;
  /** Co-authors including the creator. */
  coAuthors: string[];
  /** Text describing the thread (its title); the thread point is searchable by it. Defaults to the address. */
  title?: string;
  status: string;
  slot: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** The columns of `threads t` (plus its co-authors) that a thread point is made from. */
export const THREAD_POINT_COLUMNS = `t.address, t.creator, t.title, t.commitment::text, t.slot::text, t.created_at,
  (SELECT array_agg(c.pubkey ORDER BY c.position) FROM thread_co_authors c WHERE c.thread_address = t.address)
    AS co_authors`;

export interface ThreadPointRow {
  address: string;
  creator: string;
  title: string | null;
  commitment: string;
  slot: string;
  created_at: Date;
  co_authors: string[] | null;
}

export function threadRegistration(r: ThreadPointRow): ThreadRegistration {
  return {
    threadId: r.address,
    creator: r.creator,
    coAuthors: r.co_authors ?? [],
    ...(r.title ? { title: r.title } : {}),
    status: r.commitment,
    slot: Number(r.slot),
    createdAt: r.created_at.getTime(),
  };
}

/** The thread's own point: searchable by its title (or its address when it has none). */
export function threadPointPayload(thread: ThreadRegistration): PointPayload {
  const content = thread.title?.trim() ? thread.title : `thread ${thread.threadId}`;
  return {
    // A thread point's "message address" is the thread's own address (its id derives from it too).
    message_address: thread.threadId,
    content_hash: sha256Hex(content),
    thread_id: thread.threadId,
    author: thread.creator,
    co_authors: [...thread.coAuthors],
    status: thread.status,
    slot: thread.slot,
    created_at: thread.createdAt,
    kind: 'thread',
    content,
  };
}

/**
 * What a thread's creation does in the vector store, instead of creating a collection per thread: make sure the
 * shared collection and its payload indexes exist (idempotent), store the thread's metadata as a `kind: 'thread'`
 * point, and give the thread's messages its current co-authors. Safe to repeat (e.g. when co-authors change).
 */
export async function registerThread(store: VectorStore, embedder: Embedder, thread: ThreadRegistration) {
  await store.ensureCollection();
  const payload = threadPointPayload(thread);
  const [vector] = await embedder.embed([payload.content]);
  await store.upsert([{ vector: vector!, payload }]);
  await store.setPayload(
    { co_authors: [...thread.coAuthors] },
    { filter: { threadId: thread.threadId, kind: 'message' } },
  );
}
