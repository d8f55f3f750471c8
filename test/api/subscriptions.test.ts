import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { appendEvents } from '../../src/events/append-events.js';
import type { NewEvent } from '../../src/events/types.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { until as waitUntil } from '../support/until.js';
import { key, type RunningApi, startApi } from './harness.js';

/** This file's waits: 15_000 ms at most, polled every 20 ms. */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 15_000) => waitUntil(what, probe, ms, 20);

const SUB = `subscription ($t: ID!, $after: String) { threadEvents(threadAddress: $t, after: $after) {
  cursor sequence ... on MessagePublished { messageAddress } } }`;

interface Seen {
  cursor: string;
  sequence: string;
  messageAddress?: string;
}

describe('subscriptions: replay then live over graphql-ws', () => {
  const db = useMigratedPool({ max: 8 });
  let a: RunningApi;
  let b: RunningApi;
  const thread = key();

  const published = (n: number): NewEvent => ({
    threadAddress: thread,
    type: 'MessagePublished',
    payload: { messageAddress: `m${n}`, contentHash: '0'.repeat(64), author: 'x', index: n },
  });

  async function commit(events: NewEvent[]) {
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await appendEvents(c, events);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
  }

  function subscribe(url: string, query: string, variables: Record<string, unknown>, params = {}) {
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: params, retryAttempts: 0 });
    const seen: Seen[] = [];
    const errors: unknown[] = [];
    const stop = client.subscribe<{ threadEvents: Seen }>(
      { query, variables },
      {
        next: (r) => {
          if (r.errors) errors.push(...r.errors);
          if (r.data?.threadEvents) seen.push(r.data.threadEvents);
        },
        error: (e) => errors.push(e),
        complete: () => {},
      },
    );
    return { seen, errors, client, stop };
  }

  beforeAll(async () => {
    a = await startApi(db, { env: { API_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3' } });
    b = await startApi(db);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('delivers every event in order across a disconnect and resume, while events commit during the switch', async () => {
    await commit([published(0), published(1), published(2)]);
    const first = subscribe(a.wsUrl, SUB, { t: thread });
    await until('replay of 3', () => first.seen.length === 3);
    await commit([published(3)]);
    await until('live event', () => first.seen.length === 4);
    const cursor = first.seen[3]?.cursor;
    first.stop();
    await first.client.dispose();

    // Missed while disconnected, then committed continuously while the resumed subscription replays.
    await commit(Array.from({ length: 20 }, (_, i) => published(4 + i)));
    let n = 24;
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        await commit([published(n++)]);
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const resumed = subscribe(a.wsUrl, SUB, { t: thread, after: cursor });
    await writer;
    await until('all events after resume', () => resumed.seen.length === n - 4);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.errors).toEqual([]);
    expect(resumed.seen.map((s) => s.messageAddress)).toEqual(Array.from({ length: n - 4 }, (_, i) => `m${i + 4}`));
    const sequences = resumed.seen.map((s) => BigInt(s.sequence));
    expect(sequences.every((s, i) => i === 0 || s > (sequences[i - 1] as bigint))).toBe(true);
    resumed.stop();
    await resumed.client.dispose();
  });

  it('two API instances on one database both deliver an event committed by a third writer, read once each', async () => {
    const onA = subscribe(a.wsUrl, SUB, { t: thread, after: null });
    const onB = subscribe(b.wsUrl, SUB, { t: thread, after: null });
    await until('replays', () => onA.seen.length > 0 && onA.seen.length === onB.seen.length);
    const before = onA.seen.length;
    const hubReadsBefore = b.statements.length;
    await commit([published(1000)]);
    await until('both deliver', () => onA.seen.length === before + 1 && onB.seen.length === before + 1);
    expect(onA.seen.at(-1)?.messageAddress).toBe('m1000');
    expect(onB.seen.at(-1)?.messageAddress).toBe('m1000');
    // The hub reads through the pool, not the API's counted SQL: subscribers issued no query per event.
    expect(b.statements.length).toBe(hubReadsBefore);
    for (const s of [onA, onB]) {
      s.stop();
      await s.client.dispose();
    }
  });

  it('answers a malformed subscribe with an error for that operation and keeps the socket and its other subscriptions', async () => {
    const client = createClient({ url: a.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const good: Seen[] = [];
    client.subscribe<{ threadEvents: Seen }>(
      { query: SUB, variables: { t: thread, after: null } },
      { next: (r) => r.data && good.push(r.data.threadEvents), error: () => {}, complete: () => {} },
    );
    const errorOf = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<{ message: string; extensions?: { code?: string } }[]>((resolve) => {
        client.subscribe(
          { query, variables },
          {
            next: (r) => r.errors && resolve(r.errors as never),
            error: (e) => resolve(e as never),
            complete: () => {},
          },
        );
      });
    const syntax = await errorOf('subscription { threadEvents(');
    expect(syntax[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await errorOf('subscription { nope }');
    expect(unknown[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // A subscribe resolver's error arrives as a result with errors (then completes), with its taxonomy code.
    const badArg = await errorOf(SUB, { t: 'not-a-key' });
    expect(badArg[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await errorOf(SUB, { t: thread, after: 'nope' });
    expect(badCursor[0]?.extensions?.code).toBe('CURSOR_INVALID');
    const before = good.length;
    await commit([published(2000)]);
    await until('the good subscription still delivers', () => good.length > before);
    expect(good.at(-1)?.messageAddress).toBe('m2000');
    await client.dispose();
  });

  it('caps subscriptions per connection and says so', async () => {
    const client = createClient({ url: a.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const results: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      client.subscribe(
        { query: SUB, variables: { t: thread } },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
    }
    const refused = await new Promise<{ extensions?: { code?: string } }[]>((resolve) => {
      client.subscribe(
        { query: SUB, variables: { t: thread } },
        { next: (r) => results.push(r), error: (e) => resolve(e as never), complete: () => {} },
      );
    });
    expect(refused[0]?.extensions?.code).toBe('SUBSCRIPTION_LIMIT');
    // The server stays up.
    const res = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { ready } }' }),
    });
    expect(res.status).toBe(200);
    await client.dispose();
  });

  it('answers an oversized subscribe with PAYLOAD_TOO_LARGE for that operation and keeps the connection', async () => {
    const client = createClient({ url: b.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const good: Seen[] = [];
    let closed: unknown = null;
    client.on('closed', (e) => {
      closed = e;
    });
    client.subscribe<{ threadEvents: Seen }>(
      { query: SUB, variables: { t: thread, after: null } },
      { next: (r) => r.data && good.push(r.data.threadEvents), error: () => {}, complete: () => {} },
    );
    // 1.2 MB of variables: over API_MAX_BODY_BYTES (1 MB), under the frame cap that would close the socket.
    const refused = await new Promise<{ extensions?: { code?: string } }[]>((resolve) => {
      client.subscribe(
        { query: SUB, variables: { t: thread, after: null, padding: 'x'.repeat(1_200_000) } },
        { next: () => {}, error: (e) => resolve(e as never), complete: () => {} },
      );
    });
    expect(refused[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    const before = good.length;
    await commit([published(3000)]);
    await until('the connection still delivers', () => good.length > before);
    expect(closed).toBeNull();
    await client.dispose();
  });

  it('refuses a connection with a bad credential (4403)', async () => {
    const client = createClient({
      url: a.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: 'Bearer choir_s_forged' },
    });
    const closed = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: SUB, variables: { t: thread } },
        { next: () => {}, error: resolve, complete: () => {} },
      );
    });
    expect((closed as { code?: number }).code).toBe(4403);
    await client.dispose();
  });
});
