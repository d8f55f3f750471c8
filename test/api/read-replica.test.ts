/**
 * DATABASE_READ_URL: `choir start --role api` (in this process) with the read replica pointed at a *different*
 * database holding different rows, so where each read comes from shows in the answer. Queries (threads, a thread's
 * messages, events, the degraded search) answer from the replica; a mutation writes to the primary and reads its
 * own row back from there; subscriptions replay from the primary; /readyz and `health` report the replica as its
 * own dependency. Without the variable, one pool serves everything.
 */
import { Keypair, PublicKey } from '@solana/web3.js';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { contentHash, messageCanonicalMessage } from '../../programs/choir/client/index.js';
import { loadConfig } from '../../src/config/index.js';
import { appendEvents } from '../../src/events/append-events.js';
import { silentLogger } from '../../src/observability/logger.js';
import { Lifecycle } from '../../src/runtime/lifecycle.js';
import { startApiRole } from '../../src/runtime/roles/api-role.js';
import type { RunningRole } from '../../src/runtime/roles/types.js';
import { freePort } from '../support/ports.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { gql, hex32, key, sha } from './harness.js';
import { walletSign } from './sign.js';

/** One confirmed thread (co-authors given) with one message and its events, titled `title`. */
async function seedThread(url: string, title: string, coAuthors: string[], content: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const address = key();
  const message = key();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO threads (address, thread_id, creator, title, content_root, slot, commitment, message_count)
       VALUES ($1, $2, $3, $4, $5, 10, 'CONFIRMED', 1)`,
      [address, hex32(), coAuthors[0], title, '0'.repeat(64)],
    );
    for (const [i, pubkey] of coAuthors.entries()) {
      await client.query(
        'INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, $2, $3, 10)',
        [address, i, pubkey],
      );
    }
    await client.query(
      `INSERT INTO messages (address, thread_address, content_hash, author, content, kind, status, chain_status,
                             slot, commitment, index_in_thread)
       VALUES ($1, $2, $3, $4, $5, 'MESSAGE', 'CONFIRMED', 'PUBLISHED', 20, 'CONFIRMED', 0)`,
      [message, address, sha(content), coAuthors[0], content],
    );
    await appendEvents(client, [
      {
        threadAddress: address,
        type: 'ThreadCreated',
        payload: { threadId: hex32(), creator: coAuthors[0], coAuthors, minStake: '0', specLifetime: '0' },
        slot: 10n,
      },
    ]);
    await client.query('COMMIT');
  } finally {
    client.release();
    await pool.end();
  }
  return { address, message };
}

async function startApi(env: Record<string, string>, lifecycle: Lifecycle): Promise<RunningRole> {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const config = loadConfig({
    ...env,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    // A chain that does not answer: no relayer, no devnet; reads and relayed mutations need none.
    SOLANA_RPC_URL: closed,
    GEYSER_URL: closed,
    API_RATE_LIMIT_IP_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
  });
  return startApiRole(config, silentLogger, lifecycle);
}

const THREADS = '{ threads(first: 10) { nodes { title messages(first: 5) { nodes { content } } } } }';
const EVENTS = '{ events(first: 10) { nodes { __typename threadAddress } } }';
const SUBMIT = 'mutation ($input: SubmitMessageInput!) { submitMessage(input: $input) { address status content } }';

describe('DATABASE_READ_URL: API reads on a replica, writes on the primary', () => {
  let primary: TestDatabase;
  let replica: TestDatabase;
  let api: RunningRole;
  let url: string;
  const lifecycle = new Lifecycle(silentLogger);
  const alice = Keypair.generate();
  let onPrimary: { address: string; message: string };
  let onReplica: { address: string; message: string };

  beforeAll(async () => {
    [primary, replica] = await Promise.all([createMigratedDatabase(), createMigratedDatabase()]);
    onPrimary = await seedThread(primary.url, 'on the primary', [alice.publicKey.toBase58()], 'primary harbour');
    onReplica = await seedThread(replica.url, 'on the replica', [key()], 'replica harbour');
    api = await startApi({ DATABASE_URL: primary.url, DATABASE_READ_URL: replica.url }, lifecycle);
    url = `${api.url}/graphql`;
  }, 60_000);

  afterAll(async () => {
    await lifecycle.close();
    await Promise.all([primary?.drop(), replica?.drop()]);
  });

  it('queries, their relations, events and the degraded search answer from the replica', async () => {
    const threads = await gql<{ threads: { nodes: { title: string; messages: { nodes: { content: string }[] } }[] } }>(
      url,
      THREADS,
    );
    expect(threads.errors).toBeUndefined();
    expect(threads.data?.threads.nodes).toEqual([
      { title: 'on the replica', messages: { nodes: [{ content: 'replica harbour' }] } },
    ]);
    const events = await gql<{ events: { nodes: { threadAddress: string }[] } }>(url, EVENTS);
    expect(events.data?.events.nodes.map((e) => e.threadAddress)).toEqual([onReplica.address]);
    // No Qdrant on this API process: search answers from Postgres, degraded, and from the replica.
    const search = await gql<{ search: { degraded: boolean; hits: { message: { content: string } }[] } }>(
      url,
      '{ search(query: "harbour") { degraded hits { message { content } } } }',
    );
    expect(search.data?.search).toEqual({ degraded: true, hits: [{ message: { content: 'replica harbour' } }] });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^choir_search_response_time_seconds_count\{[^}]*mode="fallback"[^}]*\} [1-9]/m);
    const thread = await gql<{ thread: null }>(url, 'query ($a: ID!) { thread(address: $a) { title } }', {
      a: onPrimary.address,
    });
    expect(thread.data?.thread).toBeNull();
  });

  it('a mutation writes to the primary and reads its own row back from it', async () => {
    const content = 'written on the primary';
    const thread = new PublicKey(onPrimary.address);
    const res = await gql<{ submitMessage: { address: string; status: string; content: string } }>(url, SUBMIT, {
      input: {
        threadAddress: onPrimary.address,
        content,
        author: alice.publicKey.toBase58(),
        signature: walletSign(alice, messageCanonicalMessage(thread, contentHash(content))),
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.submitMessage).toMatchObject({ status: 'PENDING', content });
    const address = res.data?.submitMessage.address as string;
    const count = async (db: TestDatabase) => {
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      const { rows } = await pool.query('SELECT status FROM messages WHERE address = $1', [address]);
      await pool.end();
      return rows.length;
    };
    expect(await count(primary)).toBe(1);
    expect(await count(replica)).toBe(0);
    // A later query reads the replica, which (here, for ever) lacks it: reads may lag writes (docs/scaling.md).
    const later = await gql<{ message: null }>(url, 'query ($a: ID!) { message(address: $a) { status } }', {
      a: address,
    });
    expect(later.data?.message).toBeNull();
  });

  it('a subscription replays from the primary', async () => {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<{ events: { threadAddress: string } }>(
        { query: 'subscription { events { threadAddress } }' },
        {
          next: (r) => {
            if (r.data) seen.push(r.data.events.threadAddress);
            if (seen.length === 1) {
              stop();
              resolve();
            }
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    await client.dispose();
    // The primary's ThreadCreated (and whatever else the primary's log holds), never the replica's.
    expect(seen[0]).toBe(onPrimary.address);
    expect(seen).not.toContain(onReplica.address);
  });

  it('/readyz and the health query report the replica as its own dependency', async () => {
    const report = (await (await fetch(`${api.url}/readyz`)).json()) as {
      dependencies: { name: string; ready: boolean; details?: Record<string, unknown> }[];
    };
    const replicaCheck = report.dependencies.find((d) => d.name === 'postgres-replica');
    expect(replicaCheck).toMatchObject({ ready: true, details: { streaming: false } });
    expect(report.dependencies.find((d) => d.name === 'postgres')?.ready).toBe(true);
    const health = await gql<{ health: { dependencies: { name: string; ready: boolean }[] } }>(
      url,
      '{ health { dependencies { name ready } } }',
    );
    expect(health.data?.health.dependencies).toContainEqual({ name: 'postgres-replica', ready: true });
  });
});

describe('without DATABASE_READ_URL one pool serves everything', () => {
  let db: TestDatabase;
  let api: RunningRole;
  const lifecycle = new Lifecycle(silentLogger);

  beforeAll(async () => {
    db = await createMigratedDatabase();
    await seedThread(db.url, 'the only one', [key()], 'one harbour');
    api = await startApi({ DATABASE_URL: db.url }, lifecycle);
  }, 60_000);

  afterAll(async () => {
    await lifecycle.close();
    await db?.drop();
  });

  it('reads come from DATABASE_URL and /readyz has no replica', async () => {
    const threads = await gql<{ threads: { nodes: { title: string }[] } }>(`${api.url}/graphql`, THREADS);
    expect(threads.data?.threads.nodes.map((t) => t.title)).toEqual(['the only one']);
    const report = (await (await fetch(`${api.url}/readyz`)).json()) as { dependencies: { name: string }[] };
    expect(report.dependencies.map((d) => d.name)).not.toContain('postgres-replica');
  });
});
