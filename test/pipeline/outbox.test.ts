import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { claim, complete, enqueue, fail, outboxCounts } from '../../src/pipeline/outbox/outbox.js';
import { startOutboxWorker } from '../../src/pipeline/outbox/worker.js';
import { useMigratedPool } from '../support/migrated-pool.js';

const KIND = 'test.work';
const retry = { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

describe('outbox on real Postgres', () => {
  const { pool } = useMigratedPool({ max: 6 });
  beforeEach(async () => {
    await pool.query('DELETE FROM outbox');
  });

  it('enqueues only when the surrounding transaction commits', async () => {
    const c = await pool.connect();
    await c.query('BEGIN');
    await enqueue(c, [{ kind: KIND, key: 'a', payload: { v: 1 } }]);
    await c.query('ROLLBACK');
    await c.query('BEGIN');
    await enqueue(c, [{ kind: KIND, key: 'b', payload: { v: 1 } }]);
    await c.query('COMMIT');
    c.release();
    const items = await claim(pool, { kind: KIND, worker: 'w', limit: 10, leaseMs: 60_000 });
    expect(items.map((i) => i.key)).toEqual(['b']);
  });

  it('an item is claimable as soon as its enqueue commits, every time (times are kept in rounded milliseconds)', async () => {
    for (let i = 0; i < 300; i++) {
      await enqueue(pool as unknown as pg.ClientBase, [{ kind: KIND, key: `now${i}`, payload: i }]);
      const [item] = await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 });
      expect(item?.key).toBe(`now${i}`);
      // Failed with no delay: due again at once.
      await fail(pool, item ? [item] : [], 'again', { maxAttempts: 5, baseDelayMs: 0, maxDelayMs: 0 });
      const [again] = await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 });
      expect(again?.key).toBe(`now${i}`);
      await complete(pool, again ? [again] : []);
    }
  });

  it('never hands one item to two concurrent claimers', async () => {
    await enqueue(
      pool as unknown as pg.ClientBase,
      Array.from({ length: 100 }, (_, i) => ({ kind: KIND, key: `k${i}`, payload: i })),
    );
    const claims = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((worker) => claim(pool, { kind: KIND, worker, limit: 40, leaseMs: 60_000 })),
    );
    const keys = claims.flat().map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(100);
  });

  it('backs off after failures and dead-letters after maxAttempts', async () => {
    await enqueue(pool as unknown as pg.ClientBase, [{ kind: KIND, key: 'x', payload: {} }]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [item] = await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 });
      expect(item?.attempts).toBe(attempt);
      await fail(pool, item ? [item] : [], `boom ${attempt}`, retry);
    }
    expect(await outboxCounts(pool, KIND)).toMatchObject({ DEAD: 1, PENDING: 0 });
    const { rows } = await pool.query('SELECT last_error FROM outbox');
    expect(rows[0].last_error).toBe('boom 3');
  });

  it('schedules the retry in the future with a growing delay', async () => {
    await enqueue(pool as unknown as pg.ClientBase, [{ kind: KIND, key: 'y', payload: {} }]);
    const [item] = await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 });
    await fail(pool, item ? [item] : [], 'down', { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 600_000 });
    expect(await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 })).toEqual([]);
    const { rows } = await pool.query(`SELECT next_attempt_at > now() + interval '29 seconds' AS later FROM outbox`);
    expect(rows[0].later).toBe(true);
  });

  it('a re-enqueued item is not completed by the worker holding its older payload', async () => {
    await enqueue(pool as unknown as pg.ClientBase, [{ kind: KIND, key: 'z', payload: { v: 1 } }]);
    const old = await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 });
    await enqueue(pool as unknown as pg.ClientBase, [{ kind: KIND, key: 'z', payload: { v: 2 } }]);
    expect(await complete(pool, old)).toBe(0);
    const [fresh] = await claim(pool, { kind: KIND, worker: 'w2', limit: 1, leaseMs: 60_000 });
    expect(fresh?.payload).toEqual({ v: 2 });
    expect(await complete(pool, fresh ? [fresh] : [])).toBe(1);
    expect(await outboxCounts(pool, KIND)).toMatchObject({ DONE: 1 });
  });

  it('reclaims items whose worker died holding them, once the lease expires', async () => {
    await enqueue(pool as unknown as pg.ClientBase, [{ kind: KIND, key: 'l', payload: {} }]);
    await claim(pool, { kind: KIND, worker: 'dead', limit: 1, leaseMs: 60_000 });
    expect(await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 })).toEqual([]);
    await pool.query(`UPDATE outbox SET locked_until = now() - interval '1 second'`);
    const [again] = await claim(pool, { kind: KIND, worker: 'w', limit: 1, leaseMs: 60_000 });
    expect(again?.attempts).toBe(2);
  });

  it('the worker retries a failing handler until it succeeds, handing over every item', async () => {
    await enqueue(
      pool as unknown as pg.ClientBase,
      Array.from({ length: 5 }, (_, i) => ({ kind: KIND, key: `w${i}`, payload: i })),
    );
    let down = 2;
    const seen: number[] = [];
    const worker = startOutboxWorker<number>({
      pool,
      kind: KIND,
      logger: silentLogger,
      idleMs: 10,
      retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 },
      handle: async (items) => {
        if (down-- > 0) throw new Error('store down');
        seen.push(...items.map((i) => i.payload));
      },
    });
    for (let i = 0; i < 200 && seen.length < 5; i++) await new Promise((r) => setTimeout(r, 20));
    await worker.stop();
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await outboxCounts(pool, KIND)).toMatchObject({ DONE: 5, PENDING: 0, RUNNING: 0 });
  });
});
