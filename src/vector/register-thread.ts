import type { Embedder } from '../embed/types.js';
import { sha256Hex } from './point-id.js';
import type { VectorStore } from './types.js';

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

/**
 * What a thread's creation does in the vector store, instead of creating a collection per thread: make sure the
 * shared collection and its payload indexes exist (idempotent), store the thread's metadata as a `kind: 'thread'`
 * point, and give the thread's messages its current co-authors. Safe to repeat (e.g. when co-authors change).
 */
export async function registerThread(store: VectorStore, embedder: Embedder, thread: ThreadRegistration) {
  await store.ensureCollection();
  const content = thread.title?.trim() ? thread.title : `thread ${thread.threadId}`;
  const [vector] = await embedder.embed([content]);
  await store.upsert([
    {
      vector: vector!,
      payload: {
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
      },
    },
  ]);
  await store.setPayload(
    { co_authors: [...thread.coAuthors] },
    { filter: { threadId: thread.threadId, kind: 'message' } },
  );
}
