/**
 * replayThenLive against an in-memory event log and a hub that lags behind it (as the real hub does between a
 * commit and its NOTIFY read): the stream has every event after the cursor once and in order, and never hands out
 * an event before the hub has passed it (the hub's `beforeDeliver` drops the caches first).
 */
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../events/event-row.js';
import type { EventRecord, Sql } from '../read/records.js';
import type { EventHub, EventListener } from './event-hub.js';
import { replayThenLive } from './replay-then-live.js';

function row(sequence: number, thread = 'T'): EventRow {
  return {
    sequence: String(sequence),
    thread_address: thread,
    thread_sequence: String(sequence),
    type: 'MessagePublished',
    payload: {},
    slot: null,
    tx_signature: null,
    instruction_index: null,
    created_at: new Date(0),
  };
}

/** A log of committed rows, a hub that delivers them only when told, and the order events passed the hub. */
function fixture(committed: number) {
  const log = Array.from({ length: committed }, (_, i) => row(i + 1));
  const listeners = new Set<EventListener>();
  const passedHub: bigint[] = [];
  let position = 0n;
  const hub: EventHub = {
    listen(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get position() {
      return position;
    },
    get listeners() {
      return listeners.size;
    },
    close: async () => {},
  };
  const sql: Sql = {
    async query<R>(_statement: unknown, values?: unknown[]) {
      const after = BigInt(values?.[0] as string);
      const limit = Number(values?.[1]);
      return { rows: log.filter((r) => BigInt(r.sequence) > after).slice(0, limit) as unknown as R[] };
    },
  };
  /** The hub reads up to `sequence`, as its drain loop does: position first, then every listener, per event. */
  const deliverUpTo = (sequence: number) => {
    for (const r of log) {
      const s = BigInt(r.sequence);
      if (s <= position || s > BigInt(sequence)) continue;
      position = s;
      passedHub.push(s);
      const e = { ...r, sequence: s, threadAddress: r.thread_address } as unknown as EventRecord;
      for (const l of listeners) l(e);
    }
  };
  return { log, hub, sql, passedHub, deliverUpTo, commit: (n: number) => log.push(row(n)) };
}

async function take(stream: AsyncIterator<EventRecord>, n: number): Promise<bigint[]> {
  const out: bigint[] = [];
  while (out.length < n) {
    const r = await stream.next();
    if (r.done) break;
    out.push(r.value.sequence);
  }
  return out;
}

const everything = { replay: {}, match: () => true };

describe('replayThenLive', () => {
  it('replays only what the hub has passed; the rest arrives through the hub, once and in order', async () => {
    const f = fixture(5);
    f.deliverUpTo(3); // committed 1..5, the hub has read 1..3
    const stream = replayThenLive({ hub: f.hub, sql: f.sql, after: 0n, filter: everything, bufferMax: 100 });
    const handedOut: { sequence: bigint; hubAt: bigint }[] = [];
    const consumer = (async () => {
      for await (const e of stream) {
        handedOut.push({ sequence: e.sequence, hubAt: f.hub.position });
        if (handedOut.length === 7) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    expect(handedOut.map((e) => e.sequence)).toEqual([1n, 2n, 3n]);
    f.deliverUpTo(5);
    f.commit(6);
    f.commit(7);
    f.deliverUpTo(7);
    await consumer;
    expect(handedOut.map((e) => e.sequence)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    for (const e of handedOut) expect(e.hubAt).toBeGreaterThanOrEqual(e.sequence);
  });

  it('resumes after the cursor, and events the hub passes during the replay are not repeated', async () => {
    const f = fixture(1_200); // more than two replay pages
    f.deliverUpTo(1_200);
    const stream = replayThenLive({ hub: f.hub, sql: f.sql, after: 100n, filter: everything, bufferMax: 2_000 });
    f.commit(1_201);
    f.deliverUpTo(1_201); // reaches the listener while the replay is still reading
    const got = await take(stream, 1_101);
    expect(got[0]).toBe(101n);
    expect(got.at(-1)).toBe(1_201n);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual([...got].sort((a, b) => (a < b ? -1 : 1)));
    await stream.return?.();
    expect(f.hub.listeners).toBe(0);
  });
});
