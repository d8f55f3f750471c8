/**
 * Gap healing through an in-memory source: the first subscription loses slot 11 (slot 12 arrives with parent 11,
 * never streamed); the indexer must notice, end the session without moving the cursor past the hole, and the
 * resubscription from the cursor (which replays slot 11) must apply it.
 *
 * Mid-slot: slot 12's updates stream before its processed status reveals the gap. They must not be applied
 * ahead of slot 11 (queued or already committed), or slot 11's changes to the same account are lost and its
 * events collapse into slot 12: the database after the heal must equal an uninterrupted run, events and their
 * order included.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStreamSession, type SessionOptions } from '../../indexer/session/stream-session.js';
import { MemorySource } from '../../indexer/source/memory-source.js';
import { StageTimings } from '../../indexer/status/stage-timings.js';
import { StatusTracker } from '../../indexer/status/status.js';
import { createCursor, readCursor } from '../../indexer/write/cursor.js';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { snapshot } from './db-snapshot.js';
import { key, newThread } from './fixtures.js';
import { rawThreadUpdate, rawUpdate } from './raw-updates.js';

const PROGRAM = CHOIR_PROGRAM_ID.toBase58();
const raw = rawUpdate;
const threadUpdate = rawThreadUpdate;

type Thread = ReturnType<typeof newThread>;

/** A stream session on a memory source: small batches, no waiting. */
function sessionOptions(
  o: Pick<SessionOptions, 'pool' | 'source' | 'cursor' | 'status' | 'signal' | 'gaps'>,
): SessionOptions {
  return {
    ...o,
    stream: 'choir',
    programId: PROGRAM,
    batchMax: 100,
    batchTargetMs: 0,
    batchMs: 1,
    timings: new StageTimings(),
    logger: silentLogger,
  };
}

type Script = Map<number, ReturnType<typeof raw>[]>;

/** A source holding the script; the first subscription loses `lose` and stalls before log entry `stall.at`. */
function sourceOf(bySlot: Script, faults: Faults) {
  let position = 0;
  let stallAt = -1;
  const source = new MemorySource({
    chunk: 1,
    lose: (subscription, slot) => subscription === 0 && (faults.lose?.has(Number(slot)) ?? false),
    stallMs: (subscription, at) => (subscription === 0 && at === stallAt ? (faults.pause?.ms ?? 0) : 0),
  });
  for (const [slot, updates] of bySlot) {
    if (faults.pause?.slot === slot) stallAt = position + faults.pause.index;
    source.append(BigInt(slot), ...updates);
    position += updates.length;
  }
  return source;
}

function script() {
  const threads = [10, 11, 12].map(() => newThread());
  const account = (slot: number, i: number) => threadUpdate(threads[i] as Thread, slot, slot);
  const status = (slot: number, parent: number) =>
    raw({ slot: { slot: String(slot), parent: String(parent), status: 0 } });
  return {
    threads,
    bySlot: new Map<number, ReturnType<typeof raw>[]>([
      [10, [account(10, 0), status(10, 9)]],
      [11, [account(11, 1), status(11, 10)]],
      [12, [account(12, 2), status(12, 11)]],
      [13, [status(13, 12)]],
    ]),
  };
}

/** How the first subscription misbehaves (later ones replay faithfully). */
interface Faults {
  /** Slots the first stream loses (the gap). */
  readonly lose?: ReadonlySet<number>;
  /** On the first subscription, stall this long before message `index` of this slot. */
  readonly pause?: { readonly slot: number; readonly index: number; readonly ms: number };
}

describe('gap healing', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createMigratedDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('detects a missing slot, keeps the cursor before it, and the next session fills it', async () => {
    const { threads, bySlot } = script();
    const source = sourceOf(bySlot, { lose: new Set([11]) });
    await createCursor(pool, 'choir', 9n, { genesisHash: 'g', programId: PROGRAM });
    const status = new StatusTracker('choir');
    const gaps = { pending: 0 };
    const session = (cursor: bigint, signal: AbortSignal) =>
      runStreamSession(sessionOptions({ pool, source, cursor, status, signal, gaps }));
    const first = await session(9n, new AbortController().signal);
    expect(first.message).toMatch(/gap: slot 12 has parent 11/);
    // Found, not yet healed: the batch that replays slot 11 counts it, in its own transaction.
    expect(gaps.pending).toBe(1);
    expect(status.gapsHealed).toBe(0);
    expect((await readCursor(pool, 'choir'))?.gapsHealed).toBe(0);
    const cursor = (await readCursor(pool, 'choir'))?.slot ?? 0n;
    expect(cursor).toBeLessThan(11n);

    const stop = new AbortController();
    const second = session(cursor, stop.signal);
    for (let i = 0; i < 400; i++) {
      const { rows } = await pool.query('SELECT address FROM threads');
      if (rows.length === 3) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    stop.abort();
    await second;
    const { rows } = await pool.query('SELECT address FROM threads ORDER BY slot');
    expect(rows.map((r) => r.address)).toEqual(threads.map((t) => t.address));
    expect((await readCursor(pool, 'choir'))?.gapsHealed).toBe(1);
    expect(status.gapsHealed).toBe(1);
    expect(gaps.pending).toBe(0);
  });

  /** Slot 11 creates thread B; slot 12 adds a co-author to B and creates thread C; 13 closes 12. */
  function midSlotScript() {
    const a = newThread();
    const b = newThread();
    const c = newThread();
    const second = key();
    const account = (t: Thread, slot: number, wv: number, coAuthors = t.coAuthors) =>
      threadUpdate({ ...t, coAuthors, updatedSlot: BigInt(slot) }, slot, wv);
    const status = (slot: number, parent: number, level = 0) =>
      raw({ slot: { slot: String(slot), parent: String(parent), status: level } });
    return new Map<number, ReturnType<typeof raw>[]>([
      [10, [account(a, 10, 100), status(10, 9)]],
      [11, [account(b, 11, 110), status(11, 10), status(10, 9, 1)]],
      [12, [account(b, 12, 120, [...b.coAuthors, second]), account(c, 12, 121), status(12, 11), status(11, 10, 1)]],
      [13, [status(13, 12)]],
    ]);
  }

  /** Streams the script into a fresh database, session after session, until the cursor covers slot 12. */
  async function indexScript(bySlot: Script, faults: Faults) {
    const db = await createMigratedDatabase();
    const dbPool = new pg.Pool({ connectionString: db.url, max: 4 });
    const source = sourceOf(bySlot, faults);
    await createCursor(dbPool, 'choir', 9n, { genesisHash: 'g', programId: PROGRAM });
    const status = new StatusTracker('choir');
    const gaps = { pending: 0 };
    const endings: string[] = [];
    for (let cursor = 9n; cursor < 12n; cursor = (await readCursor(dbPool, 'choir'))?.slot ?? 9n) {
      const stop = new AbortController();
      const watch = setInterval(async () => {
        if (((await readCursor(dbPool, 'choir'))?.slot ?? 0n) >= 12n) stop.abort();
      }, 25);
      const why = await runStreamSession(
        sessionOptions({ pool: dbPool, source, cursor, status, signal: stop.signal, gaps }),
      );
      clearInterval(watch);
      endings.push(why.message);
      if (endings.length > 5) throw new Error(`no progress: ${endings.join('; ')}`);
    }
    const out = { tables: await snapshot(dbPool), gapsHealed: status.gapsHealed, endings };
    await dbPool.end();
    await db.drop();
    return out;
  }

  for (const [name, pause] of [
    ['queued', undefined],
    ['already committed', { slot: 12, index: 2, ms: 400 }],
  ] as const) {
    it(`a gap found mid-slot (that slot's updates ${name}): the database equals an uninterrupted run`, async () => {
      const bySlot = midSlotScript();
      const reference = await indexScript(bySlot, {});
      expect(reference.gapsHealed).toBe(0);
      const events = reference.tables.events as { type: string; slot: string }[];
      expect(events.map((e) => [e.type, e.slot])).toEqual([
        ['ThreadCreated', '10'],
        ['ThreadCreated', '11'],
        ['CommitmentChanged', '10'],
        ['CoAuthorAdded', '12'],
        ['ThreadCreated', '12'],
      ]);
      const healed = await indexScript(bySlot, { lose: new Set([11]), pause });
      expect(healed.gapsHealed).toBe(1);
      expect(healed.endings[0]).toMatch(/gap: slot 12 has parent 11/);
      expect(healed.tables).toEqual(reference.tables);
    });
  }
});
