/**
 * Who may write to a thread, as the backend knows it: the indexed co-authors, creator first. The accept path
 * checks membership before writing anything (a non-co-author costs no fee and leaves no row), one query for all
 * the threads of a batch.
 */
import type pg from 'pg';
import { ChoirError } from '../errors/index.js';

/** Co-authors of each of `threads` that is indexed; a thread missing from the map does not exist (yet). */
export async function coAuthorsOfThreads(
  db: pg.Pool | pg.ClientBase,
  threads: readonly string[],
): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ address: string; pubkeys: string[] | null }>(
    `SELECT t.address,
            (SELECT array_agg(c.pubkey ORDER BY c.position) FROM thread_co_authors c WHERE c.thread_address = t.address)
              AS pubkeys
       FROM threads t WHERE t.address = ANY ($1::text[])`,
    [threads],
  );
  return new Map(rows.map((r) => [r.address, r.pubkeys ?? []]));
}

export function threadNotFound(thread: string): ChoirError {
  return new ChoirError('NOT_FOUND', `thread ${thread} does not exist (or is not indexed yet)`, {
    details: { threadAddress: thread },
  });
}

export function notCoAuthor(key: string, thread: string, role: string): ChoirError {
  return new ChoirError('NOT_CO_AUTHOR', `${role} ${key} is not a co-author of thread ${thread}`, {
    details: { threadAddress: thread, key },
  });
}
