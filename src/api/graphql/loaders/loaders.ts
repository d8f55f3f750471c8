/**
 * Per-request DataLoaders: every relation a resolver follows goes through one of these, so a page of N threads
 * with their co-authors, latest messages and votes costs a constant number of statements (one per relation), not
 * N of each. Built per HTTP request / per subscription event, never shared: a loader's cache is a snapshot.
 */
import DataLoader from 'dataloader';
import { ChoirError } from '../../../errors/index.js';
import { type ApiCaches, cachedBatch } from '../cache/api-caches.js';
import { type EventPageArgs, eventPagesByThread } from '../read/events.js';
import { type MessagePageArgs, messagePagesByThread, messagesByAddress, messagesByHash } from '../read/messages.js';
import type { Page } from '../read/page.js';
import type { EventRecord, MessageRecord, Sql, Statement, ThreadRecord, VoteRecord } from '../read/records.js';
import type { FoldedRelations, ThreadRelations } from '../read/thread-relations.js';
import { coAuthorsByThread, threadsByAddress, threadsById, threadsWithRelations } from '../read/threads.js';
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
  /** Thread.events pages: keys with the same page arguments share one LATERAL statement. */
  readonly threadEvents: DataLoader<
    { threadAddress: string; args: Omit<EventPageArgs, 'threadAddress'> },
    Page<EventRecord>,
    string
  >;
  /** A thread with the relations its selection needs folded into its statement; primes the relation loaders. */
  readonly threadWith: DataLoader<{ address: string; relations: ThreadRelations }, ThreadRecord | null, string>;
  /** Puts relations read along with a thread into the loaders their field resolvers ask. */
  primeFolded(thread: ThreadRecord, folded: FoldedRelations, relations: ThreadRelations): void;
  /**
   * The same folded relations, readable without a promise: a resolver that finds its value here returns it as is,
   * and graphql-js completes the object synchronously instead of awaiting a resolved promise per field and row.
   */
  readonly folded: FoldedIndex;
  /** The `threadMessages` key of a page (also the `folded.pages` key). */
  pageKey(threadAddress: string, args: MessagePageArgs): string;
}

export interface FoldedIndex {
  readonly coAuthors: ReadonlyMap<string, string[]>;
  readonly pages: ReadonlyMap<string, Page<MessageRecord>>;
  readonly votes: ReadonlyMap<string, VoteRecord[]>;
}

/**
 * SQL bound to the request's deadline (the per-query timeout): no statement starts after it, and, on a pool, one
 * running when it passes is cancelled in Postgres (pg_cancel_backend on its backend) instead of running on for
 * nobody. A connection whose statement may have been cancelled is destroyed, not returned to the pool: the cancel
 * travels on another connection and must never reach a statement that another request started there meanwhile.
 */
export function guardedSql(sql: Sql, signal: AbortSignal | undefined): Sql {
  if (!signal) return sql;
  const timedOut = () => new ChoirError('QUERY_TIMEOUT', 'the operation ran out of time');
  const connect = sql.connect?.bind(sql);
  return {
    query<R extends Record<string, unknown>>(statement: Statement, values?: unknown[]) {
      if (signal.aborted) return Promise.reject(timedOut());
      if (!connect) return sql.query(statement, values);
      return (async () => {
        const connection = await connect();
        let cancelled = false;
        const cancel = () => {
          cancelled = true;
          const pid = connection.processID;
          if (pid) sql.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
        };
        signal.addEventListener('abort', cancel, { once: true });
        try {
          return await connection.query<R>(statement, values);
        } catch (err) {
          throw cancelled ? timedOut() : err;
        } finally {
          signal.removeEventListener('abort', cancel);
          connection.release(cancelled);
        }
      })();
    },
  };
}

function byKey<T, K>(items: readonly T[], key: (t: T) => K) {
  const map = new Map<K, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

/** A value built on first use: most operations touch one or two of a request's loaders, subscriptions none. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

const NOTHING_FOLDED: FoldedIndex = { coAuthors: new Map(), pages: new Map(), votes: new Map() };

/**
 * A request's loaders. Each DataLoader (and the folded index) is built when first used: a thread page uses two of
 * them, and 10,000 idle subscriptions would otherwise hold 10,000 sets of empty caches.
 */
/** `caches`: the process's thread-state caches (cache/api-caches.ts); absent, every load reads Postgres. */
export function createLoaders(db: Sql, signal?: AbortSignal, caches?: ApiCaches): Loaders {
  const sql = guardedSql(db, signal);
  const message = lazy<Loaders['message']>(
    () =>
      new DataLoader(async (addresses) => {
        const found = byKey(await messagesByAddress(sql, addresses), (m) => m.address);
        return addresses.map((a) => found.get(a) ?? null);
      }),
  );
  const prime = (rows: readonly MessageRecord[]) => {
    const loader = message();
    for (const m of rows) loader.prime(m.address, m);
  };
  const thread = lazy<Loaders['thread']>(
    () =>
      new DataLoader((addresses) =>
        cachedBatch<ThreadRecord | null>(
          caches?.threads,
          addresses,
          async (missing) => byKey(await threadsByAddress(sql, missing), (t) => t.address),
          null,
        ),
      ),
  );
  const coAuthors = lazy<Loaders['coAuthors']>(
    () =>
      new DataLoader((addresses) =>
        cachedBatch<string[]>(caches?.coAuthors, addresses, (missing) => coAuthorsByThread(sql, missing), []),
      ),
  );
  const votes = lazy<Loaders['votes']>(
    () =>
      new DataLoader(async (addresses) => {
        const found = await votesByMessage(sql, addresses);
        return addresses.map((a) => found.get(a) ?? []);
      }),
  );
  const pageKey = (threadAddress: string, args: MessagePageArgs) => `${threadAddress}|${JSON.stringify(args)}`;
  // Keys with the same page arguments (first, after, filters) share one LATERAL statement.
  const threadMessages = lazy<Loaders['threadMessages']>(
    () =>
      new DataLoader(
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
            [...groups.values()].map(async (g) => {
              const byThread = await messagePagesByThread(sql, g.threads, g.args);
              for (const [threadAddress, page] of byThread) {
                prime(page.items);
                pages.set(pageKey(threadAddress, g.args), page);
              }
            }),
          );
          return keys.map((k) => pages.get(pageKey(k.threadAddress, k.args)) as Page<MessageRecord>);
        },
        { cacheKeyFn: (k) => pageKey(k.threadAddress, k.args) },
      ),
  );
  const eventPages = lazy<Loaders['threadEvents']>(
    () =>
      new DataLoader(
        async (keys) => {
          const groups = new Map<string, { args: Omit<EventPageArgs, 'threadAddress'>; threads: string[] }>();
          for (const k of keys) {
            const id = JSON.stringify(k.args);
            const g = groups.get(id) ?? { args: k.args, threads: [] };
            g.threads.push(k.threadAddress);
            groups.set(id, g);
          }
          const pages = new Map<string, Page<EventRecord>>();
          await Promise.all(
            [...groups.entries()].map(async ([id, g]) => {
              for (const [thread, page] of await eventPagesByThread(sql, g.threads, g.args)) {
                caches?.handingOut(page.items);
                pages.set(`${thread}|${id}`, page);
              }
            }),
          );
          return keys.map((k) => pages.get(`${k.threadAddress}|${JSON.stringify(k.args)}`) as Page<EventRecord>);
        },
        { cacheKeyFn: (k) => `${k.threadAddress}|${JSON.stringify(k.args)}` },
      ),
  );
  let index: {
    coAuthors: Map<string, string[]>;
    pages: Map<string, Page<MessageRecord>>;
    votes: Map<string, VoteRecord[]>;
  } | null = null;
  const primeFolded: Loaders['primeFolded'] = (t, folded, relations) => {
    index ??= { coAuthors: new Map(), pages: new Map(), votes: new Map() };
    thread().prime(t.address, t);
    if (folded.coAuthors) {
      coAuthors().prime(t.address, folded.coAuthors);
      index.coAuthors.set(t.address, folded.coAuthors);
    }
    if (folded.messages && relations.messages) {
      threadMessages().prime({ threadAddress: t.address, args: relations.messages }, folded.messages);
      index.pages.set(pageKey(t.address, relations.messages), folded.messages);
      // Records with only the fields this operation reads must not pass for whole messages elsewhere.
      if (!relations.messageFields) prime(folded.messages.items);
    }
    if (folded.votes) {
      const loader = votes();
      for (const [address, list] of folded.votes) {
        loader.prime(address, list);
        index.votes.set(address, list);
      }
    }
  };
  const threadWith = lazy<Loaders['threadWith']>(
    () =>
      new DataLoader(
        async (keys) => {
          // Keys that fold the same relations share one statement.
          const groups = new Map<string, { relations: ThreadRelations; addresses: string[] }>();
          for (const k of keys) {
            const id = JSON.stringify(k.relations);
            const g = groups.get(id) ?? { relations: k.relations, addresses: [] };
            g.addresses.push(k.address);
            groups.set(id, g);
          }
          const found = new Map<string, ThreadRecord>();
          await Promise.all(
            [...groups.entries()].map(async ([id, g]) => {
              for (const { thread: t, folded } of await threadsWithRelations(sql, g.addresses, g.relations)) {
                primeFolded(t, folded, g.relations);
                found.set(`${t.address}|${id}`, t);
              }
            }),
          );
          return keys.map((k) => found.get(`${k.address}|${JSON.stringify(k.relations)}`) ?? null);
        },
        { cacheKeyFn: (k) => `${k.address}|${JSON.stringify(k.relations)}` },
      ),
  );
  const threadById = lazy<Loaders['threadById']>(
    () =>
      new DataLoader(async (ids) => {
        const found = byKey(await threadsById(sql, ids), (t) => t.threadId);
        return ids.map((id) => found.get(id) ?? null);
      }),
  );
  const messageByHash = lazy<Loaders['messageByHash']>(
    () =>
      new DataLoader(
        async (pairs) => {
          const rows = await messagesByHash(sql, pairs);
          prime(rows);
          const found = byKey(rows, (m) => `${m.threadAddress}:${m.contentHash}`);
          return pairs.map((p) => found.get(`${p.threadAddress}:${p.hash}`) ?? null);
        },
        { cacheKeyFn: (p) => `${p.threadAddress}:${p.hash}` },
      ),
  );
  return {
    sql,
    get thread() {
      return thread();
    },
    get threadWith() {
      return threadWith();
    },
    primeFolded,
    get folded() {
      return index ?? NOTHING_FOLDED;
    },
    pageKey,
    get threadById() {
      return threadById();
    },
    get coAuthors() {
      return coAuthors();
    },
    get message() {
      return message();
    },
    get messageByHash() {
      return messageByHash();
    },
    get votes() {
      return votes();
    },
    get threadMessages() {
      return threadMessages();
    },
    get threadEvents() {
      return eventPages();
    },
  };
}
