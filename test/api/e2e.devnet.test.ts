/**
 * The API end to end on the real stack: `choir start` as a child process (devnet, Geyser, indexer, embedded vector
 * store, the pipeline's Submissions and workers, one API) on a test database, driven only over HTTP and graphql-ws
 * the way a client would: signed mutations, subscriptions that disconnect and resume by cursor, search, forged
 * signatures, and a flood of subscriptions.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, PublicKey } from '@solana/web3.js';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { contentHash, messageCanonicalMessage } from '../../programs/choir/client/index.js';
import { threadRequest } from '../pipeline/harness.js';
import { type ChoirProcess, runChoir, waitForStatus } from '../support/choir-process.js';
import { freePort } from '../support/ports.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { until as waitUntil } from '../support/until.js';
import { gql } from './harness.js';
import { walletSign } from './sign.js';

/** This file's waits: 60_000 ms at most, polled every 150 ms. */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 60_000) => waitUntil(what, probe, ms, 150);

interface SeenEvent {
  cursor: string;
  sequence: string;
  __typename: string;
  messageAddress?: string;
}

const THREAD_EVENTS = `subscription ($t: ID!, $after: String) { threadEvents(threadAddress: $t, after: $after) {
  __typename cursor sequence ... on MessageSubmitted { messageAddress } ... on MessagePublished { messageAddress } } }`;

const SUBMIT = `mutation ($input: SubmitMessageInput!) { submitMessage(input: $input) { address status hash } }`;
const CREATE = `mutation ($input: CreateThreadInput!) { createThread(input: $input) { address created } }`;

describe('the API end to end on devnet, indexer, vector store and pipeline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'choir-api-e2e-'));
  chmodSync(dir, 0o755);
  let db: TestDatabase;
  let proc: ChoirProcess;
  let url: string;
  let wsUrl: string;
  const clients: Client[] = [];
  const alice = Keypair.generate();
  const bob = Keypair.generate();
  const carol = Keypair.generate();
  let threadA: string;
  let threadB: string;

  const ws = (params: Record<string, unknown> = {}) => {
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: params, retryAttempts: 0 });
    clients.push(client);
    return client;
  };

  /** Subscribes to a thread's events from `after`, collecting what arrives. */
  function follow(client: Client, thread: string, after: string | null) {
    const seen: SeenEvent[] = [];
    const errors: unknown[] = [];
    const stop = client.subscribe<{ threadEvents: SeenEvent }>(
      { query: THREAD_EVENTS, variables: { t: thread, after } },
      {
        next: (r) => {
          if (r.errors) errors.push(...r.errors);
          if (r.data) seen.push(r.data.threadEvents);
        },
        error: (e) => errors.push(e),
        complete: () => {},
      },
    );
    return { seen, errors, stop };
  }

  const submit = (author: Keypair, thread: string, content: string, signer = author, signed = content) =>
    gql<{ submitMessage: { address: string; status: string; hash: string } }>(url, SUBMIT, {
      input: {
        threadAddress: thread,
        content,
        author: author.publicKey.toBase58(),
        signature: walletSign(signer, messageCanonicalMessage(new PublicKey(thread), contentHash(signed))),
      },
    });

  async function createThread(creator: Keypair, others: Keypair[], title: string) {
    const req = threadRequest(
      creator,
      others.map((k) => k.publicKey),
      title,
    );
    const res = await gql<{ createThread: { address: string; created: boolean } }>(url, CREATE, {
      input: { ...req, minStake: req.minStake.toString(), specLifetime: req.specLifetime.toString() },
    });
    expect(res.errors).toBeUndefined();
    const address = res.data?.createThread.address as string;
    await until(`thread ${title} indexed`, async () => {
      const r = await gql<{ thread: { title: string } | null }>(
        url,
        'query ($a: ID!) { thread(address: $a) { title } }',
        {
          a: address,
        },
      );
      return r.data?.thread?.title === title;
    });
    return address;
  }

  const statusOf = async (address: string) =>
    (
      await gql<{ message: { status: string } | null }>(url, 'query ($a: ID!) { message(address: $a) { status } }', {
        a: address,
      })
    ).data?.message?.status;
  const settled = (s: string | undefined) => s === 'CONFIRMED' || s === 'FINALIZED';

  /** Every event of a thread in log order, as the `events` query lists them. */
  async function logOf(thread: string, types: string[] | null = null): Promise<string[]> {
    const out: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r: Awaited<
        ReturnType<
          typeof gql<{
            events: { nodes: { sequence: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
          }>
        >
      > = await gql(
        url,
        'query ($t: ID!, $after: String, $types: [EventType!]) { events(threadAddress: $t, first: 100, after: $after, types: $types) { nodes { sequence } pageInfo { hasNextPage endCursor } } }',
        { t: thread, after, types },
      );
      expect(r.errors).toBeUndefined();
      const page = r.data?.events;
      if (!page) throw new Error('no events page');
      out.push(...page.nodes.map((n) => n.sequence));
      if (!page.pageInfo.hasNextPage) return out;
      after = page.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    db = await createMigratedDatabase();
    // A port found free may be taken by another process before choir binds it (tests run side by side): retry.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        // A fresh database too: the first try may have recorded its own chain's identity before failing.
        await db.drop();
        db = await createMigratedDatabase();
      }
      port = await freePort();
      proc = runChoir(['start'], {
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        DEVNET_DATA_DIR: join(dir, `devnet-${attempt}`),
        DEVNET_RPC_PORT: '0',
        DEVNET_WS_PORT: '0',
        DEVNET_GEYSER_PORT: '0',
        DEVNET_SLOT_MS: '100',
        VECTOR_DATA_DIR: join(dir, `vectors-${attempt}`),
        // Every request of this file comes from 127.0.0.1: the per-IP limit would throttle the test itself.
        API_RATE_LIMIT_IP_PER_MINUTE: '0',
        API_MAX_SUBSCRIPTIONS_PER_CONNECTION: '20',
        LOG_LEVEL: 'warn',
      });
      try {
        await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, proc);
        break;
      } catch (err) {
        if (attempt >= 3 || !proc.output().includes('EADDRINUSE')) throw err;
        proc.child.kill('SIGKILL');
        await proc.exited;
      }
    }
    url = `http://127.0.0.1:${port}/graphql`;
    wsUrl = url.replace(/^http/, 'ws');
    threadA = await createThread(alice, [bob], 'e2e thread A');
    threadB = await createThread(carol, [], 'e2e thread B');
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('submits messages and streams their events in order; a resumed subscription misses none and repeats none', async () => {
    const first = follow(ws(), threadA, null);
    const batch1 = ['first light over the harbour', 'second bell at the quay', 'third tide turning'];
    const accepted1: string[] = [];
    for (const text of batch1) {
      const r = await submit(alice, threadA, text);
      expect(r.errors).toBeUndefined();
      expect(r.data?.submitMessage.status).toBe('PENDING');
      accepted1.push(r.data?.submitMessage.address as string);
    }
    // Each message: accepted (MessageSubmitted), then recorded on chain (MessagePublished), in that order.
    await until('batch 1 published on the subscription', () =>
      accepted1.every((a) => first.seen.some((e) => e.__typename === 'MessagePublished' && e.messageAddress === a)),
    );
    for (const a of accepted1) {
      const submitted = first.seen.findIndex((e) => e.__typename === 'MessageSubmitted' && e.messageAddress === a);
      const published = first.seen.findIndex((e) => e.__typename === 'MessagePublished' && e.messageAddress === a);
      expect(submitted).toBeGreaterThanOrEqual(0);
      expect(published).toBeGreaterThan(submitted);
    }
    const sequences1 = first.seen.map((e) => BigInt(e.sequence));
    expect(sequences1).toEqual([...sequences1].sort((x, y) => (x < y ? -1 : 1)));
    expect(first.errors).toEqual([]);

    // Disconnect; events keep happening (new messages, their confirmations and commitment changes).
    first.stop();
    const lastSeen = first.seen[first.seen.length - 1] as SeenEvent;
    const seenBefore = first.seen.map((e) => e.sequence);
    const accepted2: string[] = [];
    for (const text of ['fourth gull on the mast', 'fifth lamp lit']) {
      const r = await submit(alice, threadA, text);
      expect(r.errors).toBeUndefined();
      accepted2.push(r.data?.submitMessage.address as string);
    }
    await until('batch 2 confirmed', async () => (await Promise.all(accepted2.map(statusOf))).every(settled));

    // Resume from the last cursor seen: the log's rest, then live, with nothing missed and nothing twice.
    const resumed = follow(ws(), threadA, lastSeen.cursor);
    const log = await logOf(threadA);
    await until('the resumed stream caught up with the log', () =>
      resumed.seen.some((e) => e.sequence === log[log.length - 1]),
    );
    const all = [...seenBefore, ...resumed.seen.map((e) => e.sequence)];
    expect(all.slice(0, log.length)).toEqual(log);
    expect(new Set(all).size).toBe(all.length);
    for (const a of accepted2) {
      expect(resumed.seen.some((e) => e.__typename === 'MessagePublished' && e.messageAddress === a)).toBe(true);
    }
    expect(resumed.errors).toEqual([]);
    resumed.stop();
  }, 120_000);

  it('search finds a recorded message as onChainVerified; a co-author filter excludes other threads', async () => {
    const text = 'violet lanterns drifting over a quiet canal';
    const mine = await submit(alice, threadA, text);
    const theirs = await submit(carol, threadB, `${text} at dusk`);
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    const a = mine.data?.submitMessage.address as string;
    const b = theirs.data?.submitMessage.address as string;
    await until('both confirmed', async () => settled(await statusOf(a)) && settled(await statusOf(b)));

    const SEARCH = `query ($q: String!, $f: SearchFilter) { search(query: $q, first: 10, filter: $f) {
      degraded hits { score onChainVerified message { address thread { address } } } } }`;
    type Hits = {
      search: {
        degraded: boolean;
        hits: { onChainVerified: boolean; message: { address: string; thread: { address: string } } }[];
      };
    };
    const all = await until('both searchable with on-chain verification', async () => {
      const r = await gql<Hits>(url, SEARCH, { q: text });
      const hits = r.data?.search.hits ?? [];
      const found = [a, b].map((x) => hits.find((h) => h.message.address === x));
      return found.every((h) => h?.onChainVerified) ? r : undefined;
    });
    expect(all.data?.search.degraded).toBe(false);

    const filtered = await gql<Hits>(url, SEARCH, { q: text, f: { coAuthor: bob.publicKey.toBase58() } });
    expect(filtered.errors).toBeUndefined();
    const hits = filtered.data?.search.hits ?? [];
    expect(hits.map((h) => h.message.address)).toContain(a);
    expect(hits.every((h) => h.message.thread.address === threadA)).toBe(true);
    expect(hits.find((h) => h.message.address === a)?.onChainVerified).toBe(true);
  }, 120_000);

  it('syncStatus compares a thread across chain, vector store and Postgres; an unknown thread is NOT_FOUND', async () => {
    const SYNC = `query ($t: ID!) { syncStatus(threadAddress: $t) {
      threadAddress consistent chainMessages points rows inFlight differences { kind address detail } timings { totalMs } } }`;
    type Sync = {
      syncStatus: {
        consistent: boolean;
        chainMessages: number;
        points: number;
        rows: number;
        inFlight: number;
        differences: unknown[];
        timings: { totalMs: number };
      };
    };
    const report = await until('thread A in sync (nothing in flight)', async () => {
      const r = await gql<Sync>(url, SYNC, { t: threadA });
      expect(r.errors).toBeUndefined();
      return r.data?.syncStatus.inFlight === 0 ? r.data.syncStatus : undefined;
    });
    expect(report.consistent).toBe(true);
    expect(report.differences).toEqual([]);
    expect(report.chainMessages).toBeGreaterThanOrEqual(6);
    expect(report.points).toBe(report.chainMessages);
    expect(report.rows).toBe(report.chainMessages);
    const missing = await gql(url, SYNC, { t: Keypair.generate().publicKey.toBase58() });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  }, 60_000);

  it('rejects forged signatures and a signature made for other content, before any work', async () => {
    // Accepted submissions and creations are what a refusal must not produce (confirmations of earlier messages
    // may still be arriving meanwhile).
    const count = async () => {
      const threads = await gql<{ threads: { totalCount: number } }>(url, '{ threads { totalCount } }');
      return (await logOf(threadA, ['MessageSubmitted'])).length + (threads.data?.threads.totalCount ?? 0);
    };
    const before = await count();
    const forged = await submit(alice, threadA, 'a message alice never signed', bob);
    expect(forged.errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');
    const other = await submit(alice, threadA, 'what is posted', alice, 'what was signed');
    expect(other.errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');
    // A thread creation whose signature is bob's, over other terms: not alice's signature of these.
    const req = threadRequest(alice, [bob.publicKey], 'forged thread');
    const badThread = await gql(url, CREATE, {
      input: {
        ...req,
        signature: threadRequest(bob, [alice.publicKey], 'forged thread').signature,
        minStake: '0',
        specLifetime: '0',
      },
    });
    expect(badThread.errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');
    expect(await count()).toBe(before);
  }, 60_000);

  it('answers a flood of subscriptions with errors and stays up for everyone else', async () => {
    const witness = follow(ws(), threadA, null);
    await until('the witness replays', () => witness.seen.length > 0);
    const flooders = Array.from({ length: 5 }, () => ws());
    const results = await Promise.all(
      flooders.flatMap((c) =>
        Array.from(
          { length: 60 },
          () =>
            new Promise<string>((resolve) => {
              c.subscribe(
                { query: THREAD_EVENTS, variables: { t: threadA, after: null } },
                {
                  next: (r) => {
                    if (r.errors) resolve(String(r.errors[0]?.extensions?.code));
                    else resolve('ok');
                  },
                  error: (e) => {
                    const list = Array.isArray(e) ? e : [e];
                    resolve(String((list[0] as { extensions?: { code?: string } })?.extensions?.code ?? 'closed'));
                  },
                  complete: () => resolve('complete'),
                },
              );
            }),
        ),
      ),
    );
    const counts = results.reduce<Record<string, number>>((m, r) => {
      m[r] = (m[r] ?? 0) + 1;
      return m;
    }, {});
    // 20 per connection are served; the other 40 on each are refused by code, and no connection was dropped.
    expect(counts).toEqual({ ok: 100, SUBSCRIPTION_LIMIT: 200 });
    for (const c of flooders) await c.dispose();

    const health = await gql<{ health: { ready: boolean } }>(url, '{ health { ready } }');
    expect(health.errors).toBeUndefined();
    const before = witness.seen.length;
    const r = await submit(alice, threadA, 'still listening after the flood');
    expect(r.errors).toBeUndefined();
    await until('the witness still receives live events', () => witness.seen.length > before);
    expect(witness.errors).toEqual([]);
    witness.stop();
  }, 120_000);
});
