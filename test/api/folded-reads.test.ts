/**
 * Thread reads with their relations folded into one statement (loaders/look-ahead.ts, read/thread-relations.ts):
 * statement counts that stay constant with the page size, only the fields an operation reads, and answers equal to
 * the loaders' general path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoaders } from '../../src/api/graphql/loaders/loaders.js';
import { type MessagePageArgs, messagePagesByThread } from '../../src/api/graphql/read/messages.js';
import type { Page } from '../../src/api/graphql/read/page.js';
import type { MessageRecord, Sql, Statement } from '../../src/api/graphql/read/records.js';
import { threadsWithRelations } from '../../src/api/graphql/read/threads.js';
import { votesByMessage } from '../../src/api/graphql/read/votes.js';
import { appendEvents } from '../../src/events/append-events.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { gql, type RunningApi, startApi } from './harness.js';
import { type SeededThread, seedThreads } from './seed.js';

describe('folded thread reads', () => {
  const db = useMigratedPool({ max: 8 });
  let api: RunningApi;
  let threads: SeededThread[];

  beforeAll(async () => {
    threads = await seedThreads(db.pool, 60, { messagesPerThread: 7, votes: true });
    api = await startApi(db, { env: { API_MAX_PAGE_SIZE: '100' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const LATEST = `query ($first: Int!) {
    threads(first: $first) { nodes { address coAuthors messages(first: 3) { nodes { address content votes { voter } thread { address } } } } }
  }`;

  it('a page of threads with co-authors, latest messages and their votes costs the same statements for 5 or 50', async () => {
    api.statements.length = 0;
    const small = await gql(api.url, LATEST, { first: 5 });
    expect(small.errors).toBeUndefined();
    const fewStatements = api.statements.length;
    api.statements.length = 0;
    const big = await gql<{ threads: { nodes: { coAuthors: string[]; messages: { nodes: unknown[] } }[] } }>(
      api.url,
      LATEST,
      { first: 50 },
    );
    expect(big.errors).toBeUndefined();
    expect(big.data?.threads.nodes).toHaveLength(50);
    expect(big.data?.threads.nodes.every((t) => t.coAuthors.length === 3 && t.messages.nodes.length === 3)).toBe(true);
    // Co-authors, latest messages and votes are folded into the page's one statement (look-ahead).
    expect(api.statements.length).toBe(fewStatements);
    expect(api.statements.length).toBe(1);
  });

  it('a thread page (thread, co-authors, 20 latest messages with votes) is one statement, through fragments too', async () => {
    const t = threads[5] as SeededThread;
    api.statements.length = 0;
    const res = await gql<{
      thread: { coAuthors: string[]; messages: { nodes: { address: string; votes: { voter: string }[] }[] } };
    }>(
      api.url,
      `query ($a: ID!) { thread(address: $a) { ...T } }
       fragment T on Thread { address coAuthors messages(first: 20) { edges { node { ...M } } nodes { address } } }
       fragment M on Message { address votes { voter } }`,
      { a: t.address },
    );
    expect(res.errors).toBeUndefined();
    expect(api.statements).toHaveLength(1);
    expect(res.data?.thread.coAuthors).toEqual(t.coAuthors);
    expect(res.data?.thread.messages.nodes.map((m) => m.address)).toEqual(
      [...t.messages].reverse().map((m) => m.address),
    );
  });

  it("threads' events pages cost one statement for the whole page of threads, each thread its own events", async () => {
    const some = threads.slice(20, 23);
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await appendEvents(
        c,
        some.flatMap((t, i) =>
          Array.from({ length: 3 + i }, (_, n) => ({
            threadAddress: t.address,
            type: 'Recovered' as const,
            payload: { reason: 'test', detail: `${i}.${n}` },
          })),
        ),
      );
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    const query = `query ($first: Int!) { threads(first: $first, orderBy: OLDEST_FIRST) {
      nodes { address events(first: 4) { nodes { sequence threadAddress } pageInfo { hasNextPage } } } } }`;
    type Res = {
      threads: {
        nodes: {
          address: string;
          events: { nodes: { sequence: string; threadAddress: string }[]; pageInfo: { hasNextPage: boolean } };
        }[];
      };
    };
    api.statements.length = 0;
    await gql(api.url, query, { first: 5 });
    const few = api.statements.length;
    api.statements.length = 0;
    const res = await gql<Res>(api.url, query, { first: 30 });
    expect(res.errors).toBeUndefined();
    expect(api.statements.length).toBe(few);
    expect(api.statements.length).toBe(2);
    const byAddress = new Map(res.data?.threads.nodes.map((n) => [n.address, n.events]));
    // Each thread's page equals what the top-level `events(threadAddress)` query (no loader) answers.
    for (const t of [...some, threads[0] as SeededThread]) {
      const alone = await gql<{ events: { nodes: { sequence: string }[]; pageInfo: { hasNextPage: boolean } } }>(
        api.url,
        'query ($t: ID!) { events(threadAddress: $t, first: 4) { nodes { sequence } pageInfo { hasNextPage } } }',
        { t: t.address },
      );
      const events = byAddress.get(t.address);
      expect(events?.nodes.map((e) => e.sequence)).toEqual(alone.data?.events.nodes.map((e) => e.sequence));
      expect(events?.pageInfo.hasNextPage).toBe(alone.data?.events.pageInfo.hasNextPage);
      expect(events?.nodes.every((e) => e.threadAddress === t.address)).toBe(true);
    }
    expect(byAddress.get((some[2] as SeededThread).address)?.pageInfo.hasNextPage).toBe(true);
  });

  it('folds only the message fields the operation reads, renamed ones included, with the same values', async () => {
    const t = threads[11] as SeededThread;
    type Node = { address: string; hash: string; signature: string | null; content: string; createdAt: string };
    api.statements.length = 0;
    const page = await gql<{ thread: { messages: { nodes: Node[] } } }>(
      api.url,
      `query ($a: ID!) { thread(address: $a) { messages(first: 3) { nodes { address hash signature content createdAt } } } }`,
      { a: t.address },
    );
    expect(page.errors).toBeUndefined();
    expect(api.statements).toHaveLength(1);
    expect(api.statements[0]).not.toContain("'author'");
    for (const node of page.data?.thread.messages.nodes ?? []) {
      const alone = await gql<{ message: Node }>(
        api.url,
        'query ($a: ID!) { message(address: $a) { address hash signature content createdAt } }',
        { a: node.address },
      );
      expect(node).toEqual(alone.data?.message);
    }
  });

  it("folds the vote fields the operation's votes read, and every votes selection of the operation gets its fields", async () => {
    const t = threads[14] as SeededThread;
    type Vote = { voter: string; approve: boolean; slot?: string; signature?: string | null; createdAt?: string };
    const newest = t.messages[t.messages.length - 1] as SeededThread['messages'][number];
    api.statements.length = 0;
    const slim = await gql<{ thread: { messages: { nodes: { address: string; votes: Vote[] }[] } } }>(
      api.url,
      'query ($a: ID!) { thread(address: $a) { messages(first: 3) { nodes { address votes { voter approve } } } } }',
      { a: t.address },
    );
    expect(slim.errors).toBeUndefined();
    expect(api.statements).toHaveLength(1);
    expect(api.statements[0]).not.toContain("'txSignature'");
    // The same page beside another `votes` asking for more: the folded votes serve both, so they carry the union.
    api.statements.length = 0;
    const both = await gql<{
      thread: { messages: { nodes: { address: string; votes: Vote[] }[] } };
      message: { votes: Vote[] };
    }>(
      api.url,
      `query ($a: ID!, $m: ID!) { thread(address: $a) { messages(first: 3) { nodes { address votes { voter approve } } } }
        message(address: $m) { votes { voter slot signature createdAt } } }`,
      { a: t.address, m: newest.address },
    );
    expect(both.errors).toBeUndefined();
    expect(api.statements.find((st) => st.includes('rel_messages'))).toContain("'txSignature'");
    const alone = await votesByMessage(db.pool, [newest.address]);
    const expected = (alone.get(newest.address) ?? []).map((v) => ({
      voter: v.voter,
      slot: v.slot,
      signature: v.txSignature,
      createdAt: v.createdAt,
    }));
    expect(expected.length).toBeGreaterThan(0);
    expect(both.data?.message.votes).toEqual(expected);
    expect(both.data?.thread.messages.nodes).toEqual(slim.data?.thread.messages.nodes);
  });

  it('records folded with some fields are not primed as whole messages', async () => {
    const t = threads[12] as SeededThread;
    const loaders = createLoaders(db.pool);
    const args = { first: 3, after: null, status: null, kind: null, author: null, orderBy: 'NEWEST_FIRST' as const };
    await loaders.threadWith.load({
      address: t.address,
      relations: {
        coAuthors: false,
        messages: args,
        votes: false,
        messageFields: ['address', 'createdAt', 'threadAddress'],
      },
    });
    const newest = t.messages[t.messages.length - 1] as SeededThread['messages'][number];
    const whole = await loaders.message.load(newest.address);
    expect(whole?.content).toBe(newest.content);
    expect(whole?.author).toBe(newest.author);
  });

  it("answers the same through the fast path as through Apollo's pipeline", async () => {
    const t = threads[13] as SeededThread;
    const cases: [string, Record<string, unknown>][] = [
      [
        'query ($a: ID!) { thread(address: $a) { address coAuthors messages(first: 2) { totalCount nodes { hash } } } }',
        { a: t.address },
      ],
      ['query ($a: ID!) { thread(address: $a) { address } }', { a: 'not-a-key' }],
      ['query ($a: ID!) { message(address: $a) { address } t: thread(address: $a) { title } }', { a: t.address }],
      ['{ messages(first: 1000) { nodes { address } } }', {}],
    ];
    const post = (query: string, variables: Record<string, unknown>, accept?: string) =>
      fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
        body: JSON.stringify({ query, variables }),
      });
    for (const [query, variables] of cases) {
      const fast = await post(query, variables);
      // A media type the fast path leaves to Apollo (which then answers with it).
      const apollo = await post(query, variables, 'application/graphql-response+json');
      expect(apollo.headers.get('content-type')).toMatch(/graphql-response\+json/);
      expect(fast.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(fast.status).toBe(apollo.status);
      expect(await fast.json()).toEqual(await apollo.json());
    }
  });

  it('a second messages page under another alias is read through the loaders, not folded', async () => {
    const t = threads[6] as SeededThread;
    api.statements.length = 0;
    const res = await gql<{ thread: { a: { nodes: { address: string }[] }; b: { nodes: { address: string }[] } } }>(
      api.url,
      `query ($a: ID!) { thread(address: $a) {
         a: messages(first: 2) { nodes { address } } b: messages(first: 2, orderBy: OLDEST_FIRST) { nodes { address } } } }`,
      { a: t.address },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.thread.a.nodes.map((m) => m.address)).toEqual(
      [...t.messages]
        .reverse()
        .slice(0, 2)
        .map((m) => m.address),
    );
    expect(res.data?.thread.b.nodes.map((m) => m.address)).toEqual(t.messages.slice(0, 2).map((m) => m.address));
    expect(api.statements).toHaveLength(2);
  });

  it("folded pages equal the loaders' pages: same records, votes, cursors, filters and keyset", async () => {
    const t = threads[9] as SeededThread;
    const sql = { query: (q: Statement, v?: unknown[]) => db.pool.query(q as never, v) } as Sql;
    const at = (await messagePagesByThread(sql, [t.address], { first: 3, orderBy: 'NEWEST_FIRST' })).get(t.address);
    const cursor = at?.cursorAt(1) ?? null;
    const cases: MessagePageArgs[] = [
      { first: 3, orderBy: 'NEWEST_FIRST' },
      { first: 10, orderBy: 'OLDEST_FIRST', after: cursor },
      { first: 2, orderBy: 'NEWEST_FIRST', after: cursor, kind: 'MESSAGE', status: 'CONFIRMED' },
      { first: 5, orderBy: 'NEWEST_FIRST', author: t.coAuthors[1] },
    ];
    for (const args of cases) {
      const loaded = (await messagePagesByThread(sql, [t.address], args)).get(t.address) as Page<MessageRecord>;
      const [folded] = await threadsWithRelations(sql, [t.address], {
        coAuthors: true,
        messages: args,
        votes: true,
        messageFields: null,
      });
      const page = folded?.folded.messages as Page<MessageRecord>;
      const strip = ({ votes: _v, ...m }: MessageRecord & { votes?: unknown }) => m;
      expect(page.items.map(strip)).toEqual(loaded.items);
      expect(page.hasNextPage).toBe(loaded.hasNextPage);
      expect(page.items.map((_, i) => page.cursorAt(i))).toEqual(loaded.items.map((_, i) => loaded.cursorAt(i)));
      const votes = await votesByMessage(
        sql,
        loaded.items.map((m) => m.address),
      );
      for (const m of loaded.items) expect(folded?.folded.votes?.get(m.address)).toEqual(votes.get(m.address) ?? []);
      expect(folded?.folded.coAuthors).toEqual(t.coAuthors);
    }
  });
});
