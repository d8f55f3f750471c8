/**
 * Per-request DataLoaders: every relation a resolver follows goes through one of these, so a page of N threads
 * with their co-authors, latest messages and votes costs a constant number of statements (one per relation), not
 * N of each. Built per HTTP request / per subscription event, never shared: a loader's cache is a snapshot.
 */
import DataLoader from 'dataloader';
import { ChoirError } from '../../../errors/index.js';
import { type MessagePageArgs, messagePagesByThread, messagesByAddress, messagesByHash } from '../read/messages.js';
import type { Page } from '../read/page.js';
import type { MessageRecord, Sql, ThreadRecord, VoteRecord } from '../read/records.js';
import { coAuthorsByThread, threadsByAddress, threadsById } from '../read/threads.js';
import { votesByMessage } from '../read/votes.js';

export interface Loaders {
  /** This request's SQL (stops at the deadline), for list queries that are not loaders. */
  readonly sql: Sql;
  readonly thread: DataLoader<string, ThreadRecord | null>;
  readonly threadById: DataLoader<string, ThreadRecord | null>;
  readonly coAuthors: DataLoader<string, string[]>;
  readonly message: DataLoader<string, MessageRecord | null>;
  readonly messageByHash: DataLoader<{ threadAddress: string; hash: string }, MessageRecord | null, string>;
  readonly votes: DataLoader<string, VoteRecord[]>;
  readonly threadMessages: DataLoader<{ threadAddress: string; args: MessagePageArgs }, Page<MessageRecord>, string>;
}

/** SQL that refuses to start once the request's deadline has passed (the per-query timeout). */
export function guardedSql(sql: Sql, signal: AbortSignal | undefined): Sql {
  if (!signal) return sql;
  return {
    query(text, values) {
      if (signal.aborted) return Promise.reject(new ChoirError('QUERY_TIMEOUT', 'the operation ran out of time'));
      return sql.query(text, values);
    },
  };
}

function byKey<T, K>(items: readonly T[], key: (t: T) => K) {
  const map = new Map<K, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

export function createLoaders(db: Sql, signal?: AbortSignal): Loaders {
  const sql = guardedSql(db, signal);
  const message: Loaders['message'] = new DataLoader(async (addresses) => {
    const found = byKey(await messagesByAddress(sql, addresses), (m) => m.address);
    return addresses.map((a) => found.get(a) ?? null);
  });
  const prime = (rows: readonly MessageRecord[]) => {
    for (const m of rows) message.prime(m.address, m);
  };
  return {
    sql,
    thread: new DataLoader(async (addresses) => {
      const found = byKey(await threadsByAddress(sql, addresses), (t) => t.address);
      return addresses.map((a) => found.get(a) ?? null);
    }),
    threadById: new DataLoader(async (ids) => {
      const found = byKey(await threadsById(sql, ids), (t) => t.threadId);
      return ids.map((id) => found.get(id) ?? null);
    }),
    coAuthors: new DataLoader(async (addresses) => {
      const found = await coAuthorsByThread(sql, addresses);
      return addresses.map((a) => found.get(a) ?? []);
    }),
    message,
    messageByHash: new DataLoader(
      async (pairs) => {
        const rows = await messagesByHash(sql, pairs);
        prime(rows);
        const found = byKey(rows, (m) => `${m.threadAddress}:${m.contentHash}`);
        return pairs.map((p) => found.get(`${p.threadAddress}:${p.hash}`) ?? null);
      },
      { cacheKeyFn: (p) => `${p.threadAddress}:${p.hash}` },
    ),
    votes: new DataLoader(async (addresses) => {
      const found = await votesByMessage(sql, addresses);
      return addresses.map((a) => found.get(a) ?? []);
    }),
    // Keys with the same page arguments (first, after, filters) share one LATERAL statement.
    threadMessages: new DataLoader(
      async (keys) => {
        const groups = new Map<string, { args: MessagePageArgs; threads: string[] }>();
        for (const k of keys) {
          const id = JSON.stringify(k.args);
          const g = groups.get(id) ?? { args: k.args, threads: [] };
          g.threads.push(k.threadAddress);
          groups.set(id, g);
        }
        const pages = new Map<string, Page<MessageRecord>>();
        await Promise.all(
          [...groups.entries()].map(async ([id, g]) => {
            const byThread = await messagePagesByThread(sql, g.threads, g.args);
            for (const [thread, page] of byThread) {
              prime(page.items);
              pages.set(`${thread}|${id}`, page);
            }
          }),
        );
        return keys.map((k) => pages.get(`${k.threadAddress}|${JSON.stringify(k.args)}`) as Page<MessageRecord>);
      },
      { cacheKeyFn: (k) => `${k.threadAddress}|${JSON.stringify(k.args)}` },
    ),
  };
}
