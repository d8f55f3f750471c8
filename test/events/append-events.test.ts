import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { appendEvents, EVENT_CHANNEL } from '../../src/events/append-events.js';
import { readEventsAfter } from '../../src/events/read-events.js';
import type { NewEvent } from '../../src/events/types.js';
import { useMigratedPool } from '../support/migrated-pool.js';

const A = 'ThreadA1111111111111111111111111111111111111';
const B = 'ThreadB1111111111111111111111111111111111111';
const ev = (threadAddress: string, n: number): NewEvent => ({
  threadAddress,
  type: 'MessagePublished',
  payload: { n },
  slot: BigInt(n),
  txSignature: `sig${n}`,
  instructionIndex: 0,
});

describe('appendEvents on real Postgres', () => {
  const db = useMigratedPool({ max: 4 });
  const { pool } = db;

  async function inTx<T>(fn: (c: pg.PoolClient) => Promise<T>, commit = true): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query(commit ? 'COMMIT' : 'ROLLBACK');
      return out;
    } finally {
      c.release();
    }
  }

  it('assigns gap-free global and per-thread sequences in the order given, even after a rollback', async () => {
    const first = await inTx((c) => appendEvents(c, [ev(A, 1), ev(B, 2), ev(A, 3)]));
    expect(first.map((e) => [e.sequence, e.threadSequence])).toEqual([
      [1n, 1n],
      [2n, 1n],
      [3n, 2n],
    ]);
    await inTx((c) => appendEvents(c, [ev(A, 99)]), false);
    const second = await inTx((c) => appendEvents(c, [ev(B, 4), ev(A, 5)]));
    expect(second.map((e) => [e.sequence, e.threadSequence])).toEqual([
      [4n, 2n],
      [5n, 3n],
    ]);
    const stored = await readEventsAfter(pool, 0n);
    expect(stored.map((e) => e.payload.n)).toEqual([1, 2, 3, 4, 5]);
    expect(stored[0]).toMatchObject({ slot: 1n, txSignature: 'sig1', instructionIndex: 0, type: 'MessagePublished' });
    expect((await readEventsAfter(pool, 3n, { threadAddress: A })).map((e) => e.payload.n)).toEqual([5]);
  });

  it('numbers a large batch and a small one after it alike, each continuing the other', async () => {
    const before = await readEventsAfter(pool, 0n, { limit: 10_000 });
    const base = BigInt(before.length);
    const tail = (t: string) => BigInt(before.filter((e) => e.threadAddress === t).length);
    // 250 events alternating between the threads.
    const large = Array.from({ length: 250 }, (_, i) => ({ ...ev(i % 2 ? A : B, 1_000 + i), slot: null }));
    const copied = await inTx((c) => appendEvents(c, large));
    const small = await inTx((c) => appendEvents(c, [ev(A, 2_000), ev(B, 2_001)]));
    expect(copied.map((e) => e.sequence)).toEqual(large.map((_, i) => base + BigInt(i + 1)));
    expect(copied.at(-1)?.threadSequence).toBe(tail(A) + 125n); // the last (i = 249) is A's 125th
    expect(small.map((e) => [e.sequence, e.threadSequence])).toEqual([
      [base + 251n, tail(A) + 126n],
      [base + 252n, tail(B) + 126n],
    ]);
    const stored = await readEventsAfter(pool, base, { limit: 1_000 });
    expect(stored.map((e) => [e.sequence, e.threadSequence, e.payload.n, e.slot])).toEqual(
      [...copied, ...small].map((e) => [e.sequence, e.threadSequence, (e.payload as { n: number }).n, e.slot ?? null]),
    );
  });

  it('keeps the identity default ahead of explicit sequences', async () => {
    const { rows } = await pool.query(
      `INSERT INTO events (thread_address, thread_sequence, type, payload) VALUES ('other', 1, 'Recovered', '{}')
       RETURNING sequence`,
    );
    const max = (await readEventsAfter(pool, 0n, { limit: 10_000 })).length;
    expect(BigInt(rows[0].sequence)).toBe(BigInt(max));
  });

  it('serialises concurrent writers so sequence order is commit order, and notifies on commit only', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === EVENT_CHANNEL && n.payload) notified.push(n.payload);
    });
    await listener.query(`LISTEN ${EVENT_CHANNEL}`);
    const before = (await readEventsAfter(pool, 0n, { limit: 10_000 })).length;

    // Writer 1 appends and holds its transaction open; writer 2 must wait for it rather than interleave.
    const c1 = await pool.connect();
    await c1.query('BEGIN');
    await appendEvents(c1, [ev(A, 10)]);
    const second = inTx((c) => appendEvents(c, [ev(A, 11)]));
    await new Promise((r) => setTimeout(r, 100));
    expect(notified).toEqual([]);
    await c1.query('COMMIT');
    c1.release();
    const [appended] = await second;
    expect(appended?.sequence).toBe(BigInt(before + 2));
    const all = await readEventsAfter(pool, BigInt(before), { limit: 10 });
    expect(all.map((e) => e.payload.n)).toEqual([10, 11]);
    for (let i = 0; i < 50 && notified.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(notified).toEqual([String(before + 1), String(before + 2)]);
    await listener.end();
  });

  it('does nothing for an empty batch', async () => {
    expect(await inTx((c) => appendEvents(c, []))).toEqual([]);
  });
});
