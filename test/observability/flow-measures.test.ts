/**
 * The design's measures and the request id on a running stack (test Postgres, a devnet on free ports, the
 * in-memory vector store, everything in this process): a search, a subscription delivery, a relayed thread and
 * message confirmed on chain, and a failing request each show in /metrics with the right labels; the websocket
 * gauge follows a connection; and the `x-request-id` of a mutation appears on the worker's log line for its
 * relayed transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Keypair, PublicKey } from '@solana/web3.js';
import { createClient } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { contentHash, messageCanonicalMessage } from '../../programs/choir/client/index.js';
import { loadConfig } from '../../src/config/index.js';
import { flowMixin } from '../../src/observability/flow.js';
import { Lifecycle } from '../../src/runtime/lifecycle.js';
import { type Stack, startStack } from '../../src/runtime/stack.js';
import { gql } from '../api/harness.js';
import { walletSign } from '../api/sign.js';
import { threadRequest } from '../pipeline/harness.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { inProcessStackEnv } from '../support/start-env.js';
import { until as waitUntil } from '../support/until.js';

/** This file's waits: 90_000 ms at most, polled every 150 ms. */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 90_000) => waitUntil(what, probe, ms, 150);

type LogLine = Record<string, unknown> & { msg?: string; requestId?: string };

/** The value of the sample `name{labels…}` (labels a subset of the sample's), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

const CREATE = 'mutation ($input: CreateThreadInput!) { createThread(input: $input) { address created } }';
const SUBMIT = 'mutation ($input: SubmitMessageInput!) { submitMessage(input: $input) { address status } }';
const EVENTS = 'subscription ($t: ID!) { threadEvents(threadAddress: $t) { __typename sequence } }';

describe('the measures and the request id through a running stack', () => {
  let db: TestDatabase;
  let stack: Stack;
  let url: string;
  const lifecycle = new Lifecycle(pino({ level: 'silent' }));
  const dir = mkdtempSync(join(tmpdir(), 'choir-measures-'));
  const lines: LogLine[] = [];
  // The root logger as createLogger builds it (the flow mixin), writing into this test.
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'info', base: { service: 'choir' }, mixin: flowMixin }, sink);
  const metrics = async () => (await fetch(`${stack.http.url()}/metrics`)).text();
  const alice = Keypair.generate();

  beforeAll(async () => {
    db = await createMigratedDatabase();
    const config = loadConfig({
      ...(await inProcessStackEnv(db.url, dir)),
      API_RATE_LIMIT_IP_PER_MINUTE: '0',
      API_RATE_LIMIT_PER_MINUTE: '0',
    });
    stack = await startStack(config, logger, lifecycle);
    url = `${stack.http.url()}/graphql`;
    await until('the stack is ready', async () => (await fetch(`${stack.http.url()}/readyz`)).status === 200);
  }, 180_000);

  afterAll(async () => {
    await lifecycle.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('search, a subscription, a confirmed message and a failure each reach /metrics; the ws gauge follows', async () => {
    const before = await metrics();
    const connections = () => metrics().then((t) => sample(t, 'choir_api_websocket_connections') ?? 0);
    const idle = sample(before, 'choir_api_websocket_connections') ?? 0;

    const req = threadRequest(alice, [], 'measured');
    const created = await gql<{ createThread: { address: string } }>(url, CREATE, {
      input: { ...req, minStake: '0', specLifetime: '0' },
    });
    expect(created.errors).toBeUndefined();
    const thread = created.data?.createThread.address as string;
    await until('the thread is indexed', async () => {
      const r = await gql<{ thread: { title: string } | null }>(
        url,
        'query ($a: ID!) { thread(address: $a) { title } }',
        {
          a: thread,
        },
      );
      return r.data?.thread?.title === 'measured';
    });

    // A subscriber follows the thread live.
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const seen: string[] = [];
    const stop = client.subscribe<{ threadEvents: { __typename: string } }>(
      { query: EVENTS, variables: { t: thread } },
      { next: (r) => r.data && seen.push(r.data.threadEvents.__typename), error: () => {}, complete: () => {} },
    );
    await until('the connection is counted', async () => (await connections()) === idle + 1, 10_000);

    const content = 'a measured message about lighthouses';
    const submitted = await gql<{ submitMessage: { address: string } }>(
      url,
      SUBMIT,
      {
        input: {
          threadAddress: thread,
          content,
          author: alice.publicKey.toBase58(),
          signature: walletSign(alice, messageCanonicalMessage(new PublicKey(thread), contentHash(content))),
        },
      },
      { 'x-request-id': 'req-measured-message' },
    );
    expect(submitted.errors).toBeUndefined();
    await until('the subscriber receives the submission live', () => seen.includes('MessageSubmitted'));

    const search = await gql<{ search: { degraded: boolean } }>(
      url,
      'query { search(query: "lighthouses") { degraded } }',
    );
    expect(search.data?.search.degraded).toBe(false);
    const failed = await gql(url, 'query { thread(address: "not a key") { title } }');
    expect(failed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const text = await until('the message is confirmed', async () => {
      const t = await metrics();
      return (sample(t, 'choir_transaction_latency_seconds_count', { action: 'message' }) ?? 0) > 0 && t;
    });
    expect(sample(text, 'choir_transaction_latency_seconds_count', { action: 'thread' })).toBeGreaterThan(0);
    expect(sample(text, 'choir_search_response_time_seconds_count', { mode: 'vector' })).toBeGreaterThan(0);
    expect(sample(text, 'choir_ui_update_seconds_count')).toBeGreaterThan(0);
    expect(sample(text, 'choir_errors_total', { code: 'BAD_USER_INPUT', category: 'Input' })).toBeGreaterThan(
      sample(before, 'choir_errors_total', { code: 'BAD_USER_INPUT' }) ?? 0,
    );

    stop();
    await client.dispose();
    await until('the closed connection is uncounted', async () => (await connections()) === idle, 10_000);
  }, 180_000);

  it("a mutation's x-request-id is on the worker's log line for its relayed transaction", async () => {
    const line = await until('the relayed transaction is logged', () =>
      lines.find((l) => l.requestId === 'req-measured-message' && typeof l.signature === 'string'),
    );
    expect(line).toMatchObject({ component: 'pipeline', eventId: expect.stringMatching(/^\d+$/) });
  }, 60_000);
});
