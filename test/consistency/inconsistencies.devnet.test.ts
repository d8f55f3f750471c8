/**
 * 100 random inconsistencies of every kind — tampered payload, deleted point, deleted row, wrong co-author, forged
 * hash (in the row or in the point), 20 of each — injected into a service filled through the real pipeline, while
 * other threads keep receiving submissions. `choir sync` (asking the service) must report exactly those 100,
 * `choir reconcile` must repair them with one Recovered event each, and `choir sync` must then be clean; the live
 * threads must never show a difference (no false positive before, in between or after).
 */
import { Keypair, type PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer } from '../../src/api/http-server.js';
import { type SyncSummary } from '../../src/consistency/index.js';
import type { ReconcileSummary } from '../../src/consistency/run-all.js';
import { sha256Hex } from '../../src/vector/point-id.js';
import type { PointPayload, StoredPoint } from '../../src/vector/types.js';
import { until } from '../indexer/harness.js';
import { messageRequest } from '../pipeline/harness.js';
import { runChoir } from '../support/choir-process.js';
import { meta, newThread, post, type Service, serveAdmin, startService } from './harness.js';

const THREADS = 20;
const PER_THREAD = 12;
const EACH = 20;

/** A small seeded generator, so a failing run can be replayed (the seed is in the test name's output). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffle<T>(items: T[], rnd: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

describe('100 random inconsistencies', () => {
  let s: Service;
  let http: HttpServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startService();
    const admin = await serveAdmin(s);
    http = admin.http;
    env = { HOST: '127.0.0.1', PORT: String(admin.port), LOG_LEVEL: 'warn' };
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await s?.close();
  });

  const choir = async <T>(...args: string[]) => {
    const p = runChoir(args, env);
    const code = await p.exited;
    const line = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop();
    return { code, result: JSON.parse(line ?? 'null') as T, output: p.output() };
  };
  const found = (summary: SyncSummary) =>
    summary.reports.flatMap((r) => r.differences.map((d) => `${d.kind} ${d.address}`)).sort();

  const seed = Number(process.env.INCONSISTENCY_SEED ?? Date.now() % 1_000_000);
  it(`sync reports exactly the injected ones, reconcile repairs them, sync is clean (seed ${seed})`, async () => {
    const rnd = random(seed);
    const other = Keypair.generate();
    const threads: PublicKey[] = await Promise.all(
      Array.from({ length: THREADS }, () => newThread(s, [other.publicKey])),
    );
    const messages = (
      await Promise.all(
        threads.map(async (t, i) =>
          (
            await post(
              s,
              t,
              Array.from({ length: PER_THREAD }, (_, j) => `thread ${i} message ${j}`),
            )
          ).map((a) => ({
            thread: t.toBase58(),
            address: a,
          })),
        ),
      )
    ).flat();

    // Live traffic on threads nobody tampers with, for the whole test.
    const live = await Promise.all([newThread(s), newThread(s)]);
    let stop = false;
    let sent = 0;
    const traffic = (async () => {
      while (!stop) {
        const thread = live[sent % live.length] as PublicKey;
        await s.submissions.submitMessage(messageRequest(s.author, thread, `live ${sent++}`), meta);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();

    try {
      const before = await choir<SyncSummary>('sync', '--json');
      expect(found(before.result), before.output).toEqual([]);
      expect(before.code).toBe(0);

      const targets = shuffle([...messages], rnd).slice(0, 4 * EACH);
      const expected: string[] = [];
      const pointOf = async (address: string) =>
        (await s.store.scroll({ filter: { messageAddress: address }, withVector: true })).points[0] as StoredPoint;
      const rewrite = async (address: string, change: Partial<PointPayload>) => {
        const p = await pointOf(address);
        await s.store.upsert([{ vector: p.vector as number[], payload: { ...p.payload, ...change } }]);
      };
      for (const [i, m] of targets.entries()) {
        const kind = Math.floor(i / EACH);
        if (kind === 0) {
          // Tampered payload: the author, or the co-authors.
          if (rnd() < 0.5) await rewrite(m.address, { author: Keypair.generate().publicKey.toBase58() });
          else
            await s.store.setPayload(
              { co_authors: [s.author.publicKey.toBase58()] },
              { messageAddresses: [m.address] },
            );
          expected.push(`payload_mismatch ${m.address}`);
        } else if (kind === 1) {
          await s.store.deletePoints({ messageAddresses: [m.address] });
          expected.push(`missing_point ${m.address}`);
        } else if (kind === 2) {
          await s.pool.query('DELETE FROM messages WHERE address = $1', [m.address]);
          expected.push(`missing_row ${m.address}`);
        } else if (rnd() < 0.5) {
          // Forged hash in the row.
          await s.pool.query('UPDATE messages SET content_hash = $2 WHERE address = $1', [
            m.address,
            sha256Hex(`forged ${i}`),
          ]);
          expected.push(`row_mismatch ${m.address}`);
        } else {
          // Forged hash in the point (with content to match it: the store refuses a hash its content does not have).
          await rewrite(m.address, { content: `forged ${i}`, content_hash: sha256Hex(`forged ${i}`) });
          expected.push(`payload_mismatch ${m.address}`);
        }
      }
      // Wrong co-author: one per thread.
      for (const t of threads) {
        await s.pool.query('UPDATE thread_co_authors SET pubkey = $2 WHERE thread_address = $1 AND position = 1', [
          t.toBase58(),
          Keypair.generate().publicKey.toBase58(),
        ]);
        expected.push(`co_author_mismatch ${t.toBase58()}`);
      }
      expect(expected).toHaveLength(100);

      const broken = await choir<SyncSummary>('sync', '--json');
      expect(broken.code).toBe(1);
      expect(found(broken.result)).toEqual(expected.sort());
      expect(broken.result.failures).toEqual([]);

      const repaired = await choir<ReconcileSummary>('reconcile', '--json');
      expect(repaired.code, repaired.output).toBe(0);
      expect(repaired.result).toMatchObject({ repairs: 100, unrepaired: 0, failures: [] });
      const events = await s.pool.query<{ reason: string; address: string | null; thread: string }>(
        `SELECT payload->>'reason' AS reason, payload->>'messageAddress' AS address, thread_address AS thread
           FROM events WHERE type = 'Recovered'`,
      );
      expect(events.rows.map((e) => `${e.reason} ${e.address ?? e.thread}`).sort()).toEqual(expected.sort());

      const clean = await choir<SyncSummary>('sync', '--json');
      expect(found(clean.result)).toEqual([]);
      expect(clean.code).toBe(0);
    } finally {
      stop = true;
      await traffic;
    }
    // The live threads settle consistent too.
    await until(
      'live traffic confirmed',
      async () =>
        (
          await s.pool.query(
            `SELECT 1 FROM messages WHERE content LIKE 'live %' AND status NOT IN ('CONFIRMED', 'FINALIZED')`,
          )
        ).rowCount === 0,
      30_000,
    );
    expect(sent).toBeGreaterThan(20);
    const last = await choir<SyncSummary>('sync', '--json');
    expect(last.result).toMatchObject({ consistent: true, threads: THREADS + 2 });
  }, 420_000);
});
