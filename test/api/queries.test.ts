import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMigratedPool } from '../support/migrated-pool.js';
import { gql, type RunningApi, startApi } from './harness.js';
import { type SeededThread, seedThreads } from './seed.js';

interface MessagesPage {
  messages: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { address: string }[];
  };
}

describe('GraphQL queries over Postgres', () => {
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

  it('pages through one thread newest first with keyset cursors: every message once, totalCount on demand', async () => {
    const thread = threads[3] as SeededThread;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: Awaited<ReturnType<typeof gql<MessagesPage>>> = await gql<MessagesPage>(
        api.url,
        `query ($t: ID!, $after: String) { messages(threadAddress: $t, first: 3, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } nodes { address } } }`,
        { t: thread.address, after },
      );
      expect(res.errors).toBeUndefined();
      const page = res.data?.messages;
      if (!page) throw new Error('no page');
      expect(page.totalCount).toBe(7);
      seen.push(...page.nodes.map((n) => n.address));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...thread.messages].reverse().map((m) => m.address));
  });

  it('does not count when totalCount is not asked for', async () => {
    api.statements.length = 0;
    await gql(api.url, '{ messages(first: 5) { nodes { address } } }');
    expect(api.statements.some((s) => s.includes('count('))).toBe(false);
  });

  it('filters threads by co-author and messages by kind and author', async () => {
    const t = threads[7] as SeededThread;
    const byCoAuthor = await gql<{ threads: { nodes: { address: string }[] } }>(
      api.url,
      'query ($k: String) { threads(coAuthor: $k) { nodes { address } } }',
      { k: t.coAuthors[2] },
    );
    expect(byCoAuthor.data?.threads.nodes.map((n) => n.address)).toEqual([t.address]);
    const specs = await gql<{ messages: { nodes: { kind: string }[] } }>(
      api.url,
      'query ($t: ID) { messages(threadAddress: $t, kind: SPEC) { nodes { kind } } }',
      { t: t.address },
    );
    expect(specs.data?.messages.nodes.map((n) => n.kind)).toEqual(['SPEC']);
    const first = t.messages[0] as SeededThread['messages'][number];
    const byHash = await gql<{ messageByHash: { address: string; content: string } }>(
      api.url,
      'query ($t: ID!, $h: String!) { messageByHash(threadAddress: $t, hash: $h) { address content } }',
      { t: t.address, h: first.hash },
    );
    expect(byHash.data?.messageByHash).toEqual({ address: first.address, content: first.content });
  });

  it('reads the event log after a cursor with typed payload fields', async () => {
    const t = threads[0] as SeededThread;
    const first = await gql<{
      events: { pageInfo: { endCursor: string }; nodes: { __typename: string; messageAddress?: string }[] };
    }>(
      api.url,
      `query ($t: ID) { events(threadAddress: $t, first: 2) { pageInfo { endCursor }
          nodes { __typename ... on MessagePublished { messageAddress } } } }`,
      { t: t.address },
    );
    expect(first.data?.events.nodes.map((n) => n.__typename)).toEqual(['ThreadCreated', 'MessagePublished']);
    const next = await gql<{ events: { nodes: { messageAddress: string }[] } }>(
      api.url,
      'query ($t: ID, $a: String) { events(threadAddress: $t, after: $a, first: 1) { nodes { ... on MessagePublished { messageAddress } } } }',
      { t: t.address, a: first.data?.events.pageInfo.endCursor },
    );
    expect(next.data?.events.nodes[0]?.messageAddress).toBe(t.messages[1]?.address);
  });

  it('answers bad arguments with BAD_USER_INPUT or CURSOR_INVALID', async () => {
    const tooMany = await gql(api.url, '{ threads(first: 1000) { nodes { address } } }');
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badKey = await gql(api.url, '{ thread(address: "not-a-key") { address } }');
    expect(badKey.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await gql(api.url, '{ messages(after: "garbage") { nodes { address } } }');
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('CURSOR_INVALID');
  });

  it('refuses too-deep, too-broad and too-costly operations before running them', async () => {
    let deep = 'address';
    for (let i = 0; i < 8; i++) deep = `thread { messages(first: 1) { nodes { ${deep} } } }`;
    const tooDeep = await gql(api.url, `{ messages(first: 1) { nodes { ${deep} } } }`);
    expect(tooDeep.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const broad = Array.from({ length: 60 }, (_, i) => `a${i}: health { ready }`).join(' ');
    expect((await gql(api.url, `{ ${broad} }`)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const costly = await gql(
      api.url,
      '{ threads(first: 100) { nodes { messages(first: 100) { nodes { votes { voter } thread { title } } } } } }',
    );
    expect(costly.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('answers a non-JSON or oversized body with a JSON error and no stack', async () => {
    const garbage = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(garbage.status).toBe(400);
    const body = (await garbage.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
    const big = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { ready } }', variables: { x: 'y'.repeat(2_000_000) } }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    const text = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'BAD_REQUEST',
    );
    // The server is still up.
    expect((await gql(api.url, '{ health { ready } }')).errors).toBeUndefined();
  });
});
