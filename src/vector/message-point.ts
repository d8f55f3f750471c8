/**
 * A message's point payload from its Postgres row: what the submission worker stores and `rebuild-index` rebuilds,
 * read the same way by both so a rebuilt point equals the stored one. The co-authors are the thread's at read time
 * (the point's ownership metadata); a message still PENDING is stored as STORED, the status it has once its point
 * exists.
 */
import type { PointPayload } from './types.js';

/** The columns of `messages m` (plus its thread's co-authors) that a point is made from. */
export const MESSAGE_POINT_COLUMNS = `m.address, m.thread_address, m.content_hash, m.author, m.content, m.status,
  m.slot::text AS slot, m.created_at,
  (SELECT array_agg(c.pubkey ORDER BY c.position) FROM thread_co_authors c
    WHERE c.thread_address = m.thread_address) AS co_authors`;

export interface MessagePointRow {
  address: string;
  thread_address: string;
  content_hash: string;
  author: string;
  content: string | null;
  status: string;
  slot: string | null;
  created_at: Date;
  co_authors: string[] | null;
}

export function messagePointPayload(r: MessagePointRow): PointPayload {
  return {
    message_address: r.address,
    content_hash: r.content_hash,
    thread_id: r.thread_address,
    author: r.author,
    co_authors: r.co_authors ?? [],
    status: r.status === 'PENDING' ? 'STORED' : r.status,
    slot: Number(r.slot ?? 0),
    created_at: r.created_at.getTime(),
    kind: 'message',
    content: r.content ?? '',
  };
}
