/**
 * The API's in-process caches (thread state, search hits) against the real event log: once a subscriber has
 * received an event, no read from that API process returns state from before it — the hub drops the cache entries
 * before it delivers (cache/api-caches.ts). Each round changes a thread and appends its event in one transaction, as
 * the indexer does, waits until the subscription delivers the event, then reads at once. Changes made without an
 * event show the cache really serves (so a broken invalidation would fail the rounds).
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiCaches } from '../../src/api/graphql/cache/api-caches.js';
import { eventCursor } from '../../src/api/graphql/read/cursor.js';
import { appendEvents } from '../../src/events/append-events.js';
import type { NewEvent } from '../../src/events/types.js';
import type { StoredPoint, VectorQuery } from '../../src/vector/types.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { until as waitUntil } from '../support/until.js';
import { gql, type RunningApi, sha, startApi } from './harness.js';
import { type SeededThread, seedThreads } from './seed.js';

/** This file's waits: 10_000 ms at most, polled every 5 ms. */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 10_000) => waitUntil(what, probe, ms, 5);

const THREAD = `query ($a: ID!) { thread(address: $a) { balance messageCount coAuthors } }`;
const SEARCH = `query ($q: String!, $t: ID) { search(query: $q, threadAddress: $t) { hits { message { address } } } }`;
const SUB = `subscription ($t: ID!) { threadEvents(threadAddress: $t) { sequence } }`;

describe('caches: no stale read after the event that changed the state was delivered', () => {
  const db = useMigratedPool({ max: 8 });
  let api: RunningApi;
  /** What the fake vector store answers; a test changes it as the pipeline would change the store. */
  let points: { address: string; thread: string }[] = [];
  let vectorQueries = 0;

  const vectorStore = {
    async query(q: VectorQuery) {
      vectorQueries += 1;
      const threadId = q.filter?.threadId;
      return points
        .filter((p) => threadId === undefined || p.thread === threadId)
        .map((p, i) => ({
          score: 1 - i / 100,
          payload: { message_address: p.address, thread_id: p.thread, content_hash: sha(p.address) },
        })) as unknown as StoredPoint[];
    },
  };
  const embedder = { embed: async (texts: string[]) => texts.map(() => new Float32Array(4)) };

  beforeAll(async () => {
    api = await startApi(db, {
      caches: createApiCaches({ cacheTtlMs: 600_000, cacheEntries: 1_000 }),
      services: { vectorStore: vectorStore as never, embedder: embedder as never },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Runs `fn` and appends `event` in one transaction, as the indexer does; returns the event's sequence. */
  async function commit(event: NewEvent, fn: (c: import('pg').PoolClient) => Promise<void> = async () => {}) {
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await fn(c);
      const [appended] = await appendEvents(c, [event]);
      await c.query('COMMIT');
      return String(appended?.sequence);
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    } finally {
      c.release();
    }
  }

  function subscribe(thread: string) {
    const client = createClient({ url: api.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const seen: string[] = [];
    client.subscribe<{ threadEvents: { sequence: string } }>(
      { query: SUB, variables: { t: thread } },
      { next: (r) => r.data && seen.push(r.data.threadEvents.sequence), error: () => {}, complete: () => {} },
    );
    return { seen, close: () => client.dispose() };
  }

  /** Until the hub has delivered every committed event (seeding appends some). */
  async function settled() {
    const { rows } = await db.pool.query<{ s: string | null }>('SELECT max(sequence)::text AS s FROM events');
    const last = BigInt(rows[0]?.s ?? '0');
    await until('hub caught up', () => api.hub.position >= last);
  }

  const threadStatements = () => api.statements.filter((s) => /FROM threads\b/.test(s)).length;
  const readThread = async (a: string) =>
    (await gql<{ thread: { balance: string; messageCount: string; coAuthors: string[] } }>(api.url, THREAD, { a })).data
      ?.thread;

  it('thread state: cached between events, fresh right after each', async () => {
    const [t] = await seedThreads(db.pool, 1, { messagesPerThread: 0 });
    const thread = (t as { address: string }).address;
    await settled();
    const sub = subscribe(thread);
    try {
      await readThread(thread);
      // Served from the cache: no statement, and a change that came without an event is not seen.
      const before = threadStatements();
      await db.pool.query('UPDATE threads SET lamports = 7 WHERE address = $1', [thread]);
      expect((await readThread(thread))?.balance).toBe('0');
      expect(threadStatements()).toBe(before);

      // Co-authors are at most 10: the first rounds add one each (3 seeded + 7), the others change amounts only.
      const coAuthors = [...((await readThread(thread))?.coAuthors ?? [])];
      for (let round = 1; round <= 25; round++) {
        const joins = round <= 7;
        const coAuthor = `CoAuthor${String(round).padStart(36, '1')}`;
        const event: NewEvent = joins
          ? { threadAddress: thread, type: 'CoAuthorAdded', payload: { coAuthor, position: coAuthors.length } }
          : { threadAddress: thread, type: 'Divested', payload: { coAuthor: coAuthors[0], amount: '1' } };
        const sequence = await commit(event, async (c) => {
          await c.query('UPDATE threads SET lamports = $2, message_count = $3 WHERE address = $1', [
            thread,
            round * 1_000,
            round,
          ]);
          if (joins) {
            await c.query(
              'INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, $2, $3, 1)',
              [thread, coAuthors.length, coAuthor],
            );
          }
        });
        if (joins) coAuthors.push(coAuthor);
        await until(`round ${round} delivered`, () => sub.seen.includes(sequence), 10_000);
        const now = await readThread(thread);
        expect(now?.balance).toBe(String(round * 1_000));
        expect(String(now?.messageCount)).toBe(String(round));
        expect(now?.coAuthors).toEqual(coAuthors);
      }
    } finally {
      sub.close();
    }
  }, 60_000);

  it('events a query returns before the hub has read them drop the caches first (events, Thread.events)', async () => {
    // An API whose hub goes deaf: its LISTEN connection is ended and it waits an hour to listen again, so events
    // reach it only through queries. The file's other API reconnects within 50 ms.
    const deaf = await startApi(db, {
      caches: createApiCaches({ cacheTtlMs: 600_000, cacheEntries: 1_000 }),
      hubReconnectMs: 3_600_000,
    });
    try {
      const [t] = await seedThreads(db.pool, 1, { messagesPerThread: 0 });
      const thread = (t as { address: string }).address;
      const read = async () =>
        (await gql<{ thread: { balance: string } }>(deaf.url, THREAD, { a: thread })).data?.thread.balance;
      const { rows } = await db.pool.query<{ s: string }>('SELECT coalesce(max(sequence), 0)::text AS s FROM events');
      const after = eventCursor(BigInt(rows[0]?.s ?? '0'));
      await until('deaf hub caught up', () => deaf.hub.position >= BigInt(rows[0]?.s ?? '0'));
      expect(await read()).toBe('0');
      const { rows: ended } = await db.pool.query<{ pid: number }>(
        "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'choir-events' AND datname = current_database()",
      );
      // Gone, not just signalled: no NOTIFY can reach the deaf hub after this.
      await until('the LISTEN backends to end', async () => {
        const { rows: left } = await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [
          ended.map((r) => r.pid),
        ]);
        return left.length === 0;
      });

      const rounds = [
        { balance: 5_000, ask: 'query ($after: String) { events(after: $after) { nodes { sequence } } }' },
        {
          balance: 6_000,
          ask: `query ($t: ID!, $after: String) { thread(address: $t) { events(after: $after) { nodes { sequence } } } }`,
        },
      ];
      let cursor = after;
      for (const round of rounds) {
        const sequence = await commit(
          { threadAddress: thread, type: 'Divested', payload: { coAuthor: thread, amount: '1' } },
          async (c) => {
            await c.query('UPDATE threads SET lamports = $2 WHERE address = $1', [thread, round.balance]);
          },
        );
        await new Promise((r) => setTimeout(r, 300));
        expect(deaf.hub.position).toBeLessThan(BigInt(sequence)); // the hub really has not read it
        expect(await read()).not.toBe(String(round.balance)); // and the cache still answers from before it
        const got = await gql<{
          events?: { nodes: { sequence: string }[] };
          thread?: { events: { nodes: { sequence: string }[] } };
        }>(deaf.url, round.ask, { after: cursor, t: thread });
        const nodes = got.data?.events?.nodes ?? got.data?.thread?.events.nodes ?? [];
        expect(nodes.map((n) => n.sequence)).toContain(sequence);
        expect(await read()).toBe(String(round.balance));
        cursor = eventCursor(BigInt(sequence));
      }
    } finally {
      await deaf.close();
    }
  }, 60_000);

  it('search hits: one vector query per distinct search until an event drops it', async () => {
    const [a, b] = (await seedThreads(db.pool, 2, { messagesPerThread: 1 })) as [SeededThread, SeededThread];
    await settled();
    points = [{ address: a.messages[0]?.address as string, thread: a.address }];
    const hits = async (t?: string) =>
      (
        await gql<{ search: { hits: { message: { address: string } }[] } }>(api.url, SEARCH, {
          q: 'cache me',
          ...(t ? { t } : {}),
        })
      ).data?.search.hits.map((h) => h.message.address);
    expect(await hits(a.address)).toEqual([a.messages[0]?.address]);
    expect(await hits()).toEqual([a.messages[0]?.address]);
    const queries = vectorQueries;
    // A new point with no event yet: both searches still answer from the cache.
    points = [...points, { address: b.messages[0]?.address as string, thread: b.address }];
    expect(await hits(a.address)).toEqual([a.messages[0]?.address]);
    expect(await hits()).toEqual([a.messages[0]?.address]);
    expect(vectorQueries).toBe(queries);

    // The event of thread b (the pipeline appends it once the point is stored): the unfiltered search, which can
    // include b's messages, is dropped; the one filtered to thread a is not.
    const sub = subscribe(b.address);
    try {
      const sequence = await commit({
        threadAddress: b.address,
        type: 'MessagePublished',
        payload: { messageAddress: b.messages[0]?.address, contentHash: b.messages[0]?.hash, author: 'x', index: 1 },
      });
      await until('event delivered', () => sub.seen.includes(sequence));
      expect(await hits()).toEqual([a.messages[0]?.address, b.messages[0]?.address]);
      expect(await hits(a.address)).toEqual([a.messages[0]?.address]);
      expect(vectorQueries).toBe(queries + 1);
    } finally {
      sub.close();
    }
  }, 60_000);
});
