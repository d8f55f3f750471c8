/**
 * What the client SDK and the web page need from the API: introspection past the depth limit (but bounded), a
 * thread's last event cursor read with the thread (load, then subscribe from exactly there), messages by address
 * in one batch, and why a message was rolled back after a reload.
 */
import { type DocumentNode, getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOperationLimits, MAX_INTROSPECTION_DEPTH } from '../../src/api/graphql/limits/operation-limits.js';
import { buildApiSchema } from '../../src/api/graphql/schema.js';
import * as operations from '../../src/client/generated/graphql.js';
import { readSection } from '../../src/config/section.js';
import { apiSection } from '../../src/config/sections/api.js';
import { appendEvents } from '../../src/events/append-events.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { gql, key, type RunningApi, sha, startApi } from './harness.js';
import { type SeededThread, seedThreads } from './seed.js';

describe('API fields for clients', () => {
  const db = useMigratedPool({ max: 6 });
  let api: RunningApi;
  let threads: SeededThread[];

  beforeAll(async () => {
    threads = await seedThreads(db.pool, 3, { messagesPerThread: 4, votes: true });
    api = await startApi(db, { env: { API_MAX_DEPTH: '12' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('introspection', () => {
    it("graphql-js's full introspection query passes the depth and cost limits", async () => {
      const res = await gql<{ __schema: { types: { name: string }[] } }>(
        api.url,
        getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }),
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.__schema.types.map((t) => t.name)).toContain('MessageStored');
    });

    it('a 100-deep ofType nesting is refused, and so is one just past the bound', async () => {
      const nested = (n: number) => `{ __type(name: "Thread") { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } }`;
      for (const n of [100, MAX_INTROSPECTION_DEPTH]) {
        const res = await gql(api.url, nested(n));
        expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
        expect(res.errors?.[0]?.message).toMatch(/introspection is \d+ levels deep/);
      }
      const ok = await gql(api.url, nested(MAX_INTROSPECTION_DEPTH - 2));
      expect(ok.errors).toBeUndefined();
    });

    it('does not lift the limit on data: introspection next to a query 13 levels deep is still refused', async () => {
      const t = threads[0] as SeededThread;
      const deep = `thread(address: "${t.address}") { messages { nodes { thread { messages { nodes { thread { messages { nodes { thread { messages { nodes { address } } } } } } } } } } } }`;
      const res = await gql(api.url, `{ __schema { queryType { name } } ${deep} }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(res.errors?.[0]?.message).toMatch(/13 levels deep/);
    });
  });

  describe("the SDK's own operations", () => {
    it('every one passes the default limits (the thread stream selects one field per event type)', async () => {
      const schema = await buildApiSchema();
      const settings = readSection(apiSection, {});
      const documents = Object.entries(operations).filter(([name]) => name.endsWith('Document'));
      expect(documents.length).toBeGreaterThan(20);
      for (const [name, document] of documents) {
        const errors = checkOperationLimits(schema, document as DocumentNode, null, {}, settings);
        expect({ name, errors: errors.map((e) => e.message) }).toEqual({ name, errors: [] });
      }
    });

    it('an alias bomb is still refused: 51 aliases of one field', async () => {
      const t = threads[0] as SeededThread;
      const aliases = Array.from({ length: 51 }, (_, i) => `a${i}: thread(address: "${t.address}") { address }`);
      const res = await gql(api.url, `{ ${aliases.join(' ')} }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(res.errors?.[0]?.message).toMatch(/lists 51 fields/);
    });
  });

  describe('Thread.lastEventCursor', () => {
    const SNAPSHOT = `query ($address: ID!) {
      thread(address: $address) {
        address lastEventCursor eventCount
        messages(first: 100, orderBy: OLDEST_FIRST) { nodes { address status votes { voter } } }
      }
    }`;
    type Snapshot = { thread: { lastEventCursor: string | null; eventCount: number; messages: { nodes: unknown[] } } };

    it("is read in the thread's one statement with its messages, and events after it are exactly the new ones", async () => {
      const t = threads[1] as SeededThread;
      api.statements.length = 0;
      const res = await gql<Snapshot>(api.url, SNAPSHOT, { address: t.address });
      expect(res.errors).toBeUndefined();
      expect(api.statements).toHaveLength(1);
      const { lastEventCursor, eventCount } = (res.data as Snapshot).thread;
      expect(eventCount).toBe(1 + t.messages.length); // ThreadCreated + one MessagePublished each
      const after = `query ($address: ID!, $after: String) {
        events(threadAddress: $address, after: $after, first: 10) { nodes { __typename threadSequence } }
      }`;
      const none = await gql<{ events: { nodes: unknown[] } }>(api.url, after, {
        address: t.address,
        after: lastEventCursor,
      });
      expect(none.data?.events.nodes).toEqual([]);

      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await appendEvents(client, [
          { threadAddress: t.address, type: 'Divested', payload: { coAuthor: t.coAuthors[1], amount: '5' } },
        ]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      const next = await gql<{ events: { nodes: unknown[] } }>(api.url, after, {
        address: t.address,
        after: lastEventCursor,
      });
      expect(next.data?.events.nodes).toEqual([{ __typename: 'Divested', threadSequence: String(eventCount + 1) }]);
      const again = await gql<Snapshot>(api.url, SNAPSHOT, { address: t.address });
      expect(again.data?.thread.eventCount).toBe(eventCount + 1);
    });

    it('is the same through a thread reached otherwise (message.thread, batched), and null/0 without events', async () => {
      const t = threads[2] as SeededThread;
      const direct = await gql<Snapshot>(api.url, SNAPSHOT, { address: t.address });
      const m = t.messages[0]?.address as string;
      const res = await gql<{ message: { thread: { lastEventCursor: string; eventCount: number } } }>(
        api.url,
        `{ message(address: "${m}") { thread { lastEventCursor eventCount } } }`,
      );
      expect(res.data?.message.thread).toEqual({
        lastEventCursor: direct.data?.thread.lastEventCursor,
        eventCount: direct.data?.thread.eventCount,
      });
      const [bare] = await seedThreads(db.pool, 1, { messagesPerThread: 0, events: false });
      const empty = await gql<Snapshot>(api.url, SNAPSHOT, { address: bare?.address });
      expect(empty.data?.thread).toMatchObject({ lastEventCursor: null, eventCount: 0 });
      const listed = await gql<{ threads: { nodes: { address: string; eventCount: number }[] } }>(
        api.url,
        '{ threads(first: 10) { nodes { address eventCount } } }',
      );
      const counts = new Map(listed.data?.threads.nodes.map((n) => [n.address, n.eventCount]));
      expect(counts.get(t.address)).toBe(direct.data?.thread.eventCount);
      expect(counts.get(bare?.address as string)).toBe(0);
    });
  });

  describe('messagesByAddress', () => {
    it('answers in the order asked, null for unknown addresses, in one statement', async () => {
      const [a, b] = threads[0]?.messages ?? [];
      const unknown = key();
      api.statements.length = 0;
      const res = await gql<{ messagesByAddress: ({ address: string } | null)[] }>(
        api.url,
        'query ($a: [String!]!) { messagesByAddress(addresses: $a) { address } }',
        { a: [b?.address, unknown, a?.address, b?.address] },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.messagesByAddress).toEqual([
        { address: b?.address },
        null,
        { address: a?.address },
        { address: b?.address },
      ]);
      expect(api.statements).toHaveLength(1);
    });

    it('refuses more than 100 addresses and malformed ones, with BAD_USER_INPUT', async () => {
      const many = Array.from({ length: 101 }, key);
      const query = 'query ($a: [String!]!) { messagesByAddress(addresses: $a) { address } }';
      const tooMany = await gql(api.url, query, { a: many });
      expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(tooMany.errors?.[0]?.message).toMatch(/at most 100/);
      const bad = await gql(api.url, query, { a: [key(), 'not-a-key'] });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message).toMatch(/addresses\[1\]/);
      const hundred = await gql<{ messagesByAddress: unknown[] }>(api.url, query, { a: many.slice(0, 100) });
      expect(hundred.data?.messagesByAddress).toHaveLength(100);
    });
  });

  describe('Message.rollbackReason', () => {
    it('says why a rolled-back message was rolled back (code and words), through every read path', async () => {
      const t = threads[0] as SeededThread;
      const address = key();
      // As src/pipeline/rollback.ts leaves a row.
      await db.pool.query(
        `INSERT INTO messages (address, thread_address, content_hash, author, content, kind, status, last_error, created_at)
         VALUES ($1, $2, $3, $4, 'rolled back', 'MESSAGE', 'ROLLED_BACK', $5, '2027-01-01T00:00:00Z')`,
        [address, t.address, sha('rolled back'), t.coAuthors[0], 'NOT_CO_AUTHOR: the author is not a co-author'],
      );
      const fields = 'address rollbackReason rollbackMessage';
      const one = await gql<{ message: unknown }>(api.url, `{ message(address: "${address}") { ${fields} } }`);
      const expected = {
        address,
        rollbackReason: 'NOT_CO_AUTHOR',
        rollbackMessage: 'the author is not a co-author',
      };
      expect(one.data?.message).toEqual(expected);
      // Folded into the thread's statement with only the selected fields.
      const page = await gql<{ thread: { messages: { nodes: { address: string }[] } } }>(
        api.url,
        `{ thread(address: "${t.address}") { messages(first: 1) { nodes { ${fields} } } } }`,
      );
      expect(page.data?.thread.messages.nodes).toEqual([expected]);
      // A message that was not rolled back has none.
      const ok = await gql<{ message: unknown }>(
        api.url,
        `{ message(address: "${t.messages[0]?.address}") { rollbackReason rollbackMessage } }`,
      );
      expect(ok.data?.message).toEqual({ rollbackReason: null, rollbackMessage: null });
    });
  });
});
