/**
 * Past one machine (docs/scaling.md), as separate processes against one Postgres: two API processes
 * (`choir start --role api`) and two indexers (`choir start --role indexer`: one leads, one stands by) on a devnet
 * this test drives. Subscriptions on both APIs receive every event, in order, once; the leading indexer is killed
 * with SIGKILL mid-stream, the standby takes over within 5 s (default INDEXER_LEADER_POLL_MS), and nothing the
 * chain did is missing from Postgres or from either subscription.
 */
import { Keypair } from '@solana/web3.js';
import bs58 from 'bs58';
import { createClient } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventCursor } from '../../src/api/graphql/read/cursor.js';
import { createSubmissions } from '../../src/pipeline/submission-service.js';
import { useTestChain } from '../indexer/devnet-driver.js';
import { messageRequest } from '../pipeline/harness.js';
import { type ChoirProcess, runChoir } from '../support/choir-process.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { freePort } from '../support/ports.js';
import { until as waitUntil } from '../support/until.js';

/** This file's waits: 60_000 ms at most, polled every 50 ms. */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 60_000) => waitUntil(what, probe, ms, 50);

interface Seen {
  sequence: string;
  type: string;
}

async function readiness(url: string) {
  try {
    const res = await fetch(`${url}/readyz`);
    return (await res.json()) as {
      ready: boolean;
      dependencies: { name: string; ready: boolean; details?: { role?: string; state?: string } }[];
    };
  } catch {
    return undefined;
  }
}

/** This indexer's role and stream state, from its own /readyz (the geyser check's report). */
async function indexerRole(url: string) {
  const geyser = (await readiness(url))?.dependencies.find((d) => d.name === 'geyser');
  return geyser?.details ? { role: geyser.details.role, state: geyser.details.state, ready: geyser.ready } : undefined;
}

describe('two API processes, a leading indexer and a standby, one Postgres', () => {
  const env = useTestChain();
  const { pool, url } = useMigratedPool();
  const processes: ChoirProcess[] = [];
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
  });

  async function role(name: 'api' | 'indexer' | 'worker', extra: Record<string, string> = {}) {
    const port = await freePort();
    const proc = runChoir(['start', '--role', name], {
      ...extra,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      SOLANA_RPC_URL: env.devnet.rpcUrl,
      GEYSER_URL: env.devnet.geyserUrl,
      API_RATE_LIMIT_IP_PER_MINUTE: '0',
      INDEXER_BATCH_MS: '10',
      LOG_LEVEL: 'warn',
    });
    processes.push(proc);
    return { proc, url: `http://127.0.0.1:${port}` };
  }

  function subscribe(apiUrl: string) {
    const client = createClient({
      url: `${apiUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const seen: Seen[] = [];
    const errors: unknown[] = [];
    client.subscribe<{ events: Seen }>(
      {
        query: 'subscription ($after: String) { events(after: $after) { sequence type: __typename } }',
        variables: { after: eventCursor(0n) },
      },
      {
        next: (r) => {
          if (r.errors) errors.push(...r.errors);
          if (r.data?.events) seen.push(r.data.events);
        },
        error: (e) => errors.push(e),
        complete: () => {},
      },
    );
    return { client, seen, errors };
  }

  it('every event reaches both APIs once and in order; the standby takes over within 5 s and nothing is lost', async () => {
    const { chain, devnet } = env;
    const [apiA, apiB, indexer1, indexer2] = await Promise.all([
      role('api'),
      role('api'),
      role('indexer'),
      role('indexer'),
    ]);
    for (const p of [apiA, apiB, indexer1, indexer2]) {
      await until(
        `${p.url} up`,
        async () =>
          (await readiness(p.url)) !== undefined ||
          (p.proc.child.exitCode !== null && Promise.reject(new Error(p.proc.output()))),
        120_000,
      );
    }
    const leaders = await until('one leader streaming, one standby', async () => {
      const roles = await Promise.all([indexerRole(indexer1.url), indexerRole(indexer2.url)]);
      const leader = roles.findIndex((r) => r?.role === 'leader' && r.state === 'streaming');
      const standby = roles.findIndex((r) => r?.role === 'standby');
      return leader >= 0 && standby >= 0 ? { leader, standby } : undefined;
    });
    const indexers = [indexer1, indexer2];
    const leader = indexers[leaders.leader] as (typeof indexers)[number];
    const standby = indexers[leaders.standby] as (typeof indexers)[number];

    // A worker process with its own funded fee payer and store: it relays what the API accepts.
    const relayer = Keypair.generate();
    chain.fund(relayer.publicKey);
    const worker = await role('worker', {
      RELAYER_KEYPAIR: bs58.encode(relayer.secretKey),
      VECTOR_DATA_DIR: 'memory://',
    });
    await until('worker up', async () => (await readiness(worker.url)) !== undefined, 120_000);

    const onA = subscribe(apiA.url);
    const onB = subscribe(apiB.url);
    await new Promise((r) => setTimeout(r, 500));

    // Mid-stream: messages keep landing before, during and after the kill.
    const thread = chain.createThread();
    devnet.tick();
    const MESSAGES = 60;
    const KILL_AT = 20;
    let killedAt = 0;
    let takeover: Promise<number> | undefined;
    for (let i = 0; i < MESSAGES; i++) {
      chain.submitMessage(thread, `scaling message ${i}`);
      devnet.tick();
      if (i === KILL_AT) {
        leader.proc.child.kill('SIGKILL');
        killedAt = Date.now();
        takeover = until(
          'the standby leads and streams',
          async () => {
            const r = await indexerRole(standby.url);
            return r?.role === 'leader' && r.state === 'streaming' ? Date.now() - killedAt : undefined;
          },
          30_000,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const takeoverMs = await (takeover as Promise<number>);
    expect(takeoverMs).toBeLessThan(5_000);
    // Let the last slots confirm and finalize.
    for (let i = 0; i < 6; i++) {
      devnet.tick();
      await new Promise((r) => setTimeout(r, 100));
    }

    // Nothing lost in Postgres: every message the chain holds is indexed, published once.
    await until('all messages indexed', async () => {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM messages WHERE thread_address = $1 AND slot IS NOT NULL',
        [thread.toBase58()],
      );
      return rows[0]?.n === MESSAGES || undefined;
    });
    const published = await pool.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT payload->>'messageAddress')::int AS distinct
         FROM events WHERE type = 'MessagePublished' AND thread_address = $1`,
      [thread.toBase58()],
    );
    expect(published.rows[0]).toEqual({ n: MESSAGES, distinct: MESSAGES });

    // The write path across processes: accepted here (as an API process would), relayed by the worker process,
    // confirmed by the indexer that took over.
    const submissions = createSubmissions({ pool, maxContentBytes: 65_536 });
    const accepted = await Promise.all(
      [0, 1, 2].map((i) =>
        submissions.submitMessage(messageRequest(chain.payer, thread, `through the worker ${i}`), {
          requestId: `req_scaling_${i}`,
        }),
      ),
    );
    await until(
      'the worker relayed and the indexer confirmed',
      async () => {
        devnet.tick();
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM messages WHERE address = ANY($1) AND status IN ('CONFIRMED', 'FINALIZED')`,
          [accepted.map((a) => a.address)],
        );
        return rows[0]?.n === accepted.length || undefined;
      },
      60_000,
    );

    // Nothing lost on either API: each subscription saw the whole log, in order, once.
    const log = await until(`both subscriptions caught up`, async () => {
      const { rows } = await pool.query<{ sequence: string }>(
        'SELECT e.sequence::text AS sequence FROM events e ORDER BY e.sequence',
      );
      const last = rows.at(-1)?.sequence;
      const tail = (seen: Seen[]) => String(seen.at(-1)?.sequence);
      return tail(onA.seen) === last && tail(onB.seen) === last ? rows : undefined;
    }).catch(async (err) => {
      const { rows } = await pool.query('SELECT count(*)::int AS n, max(sequence)::text AS last FROM events');
      throw new Error(
        `${err.message}: log ${JSON.stringify(rows[0])}, A ${onA.seen.length} (last ${onA.seen.at(-1)?.sequence}, errors ${JSON.stringify(onA.errors)}), B ${onB.seen.length} (last ${onB.seen.at(-1)?.sequence}, errors ${JSON.stringify(onB.errors)})\n${apiA.proc.output().slice(-2000)}`,
      );
    });
    const sequences = log.map((r) => r.sequence);
    expect(onA.errors).toEqual([]);
    expect(onB.errors).toEqual([]);
    expect(onA.seen.map((e) => String(e.sequence))).toEqual(sequences);
    expect(onB.seen.map((e) => String(e.sequence))).toEqual(sequences);
    expect(onA.seen.filter((e) => e.type === 'MessagePublished')).toHaveLength(MESSAGES + accepted.length);
    expect(onB.seen.filter((e) => e.type === 'MessageSubmitted')).toHaveLength(accepted.length);
    console.info(
      `standby took over ${takeoverMs} ms after the leader's SIGKILL; ${sequences.length} events on both APIs`,
    );
    await onA.client.dispose();
    await onB.client.dispose();
  }, 300_000);
});
