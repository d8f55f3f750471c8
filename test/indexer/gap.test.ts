/**
 * Gap healing through a scripted Geyser server: the first stream skips slot 11 (slot 12 arrives with parent 11,
 * never streamed); the indexer must notice, end the session without moving the cursor past the hole, and the
 * resubscription from the cursor (which replays slot 11) must apply it.
 *
 * Mid-slot: slot 12's updates stream before its processed status reveals the gap. They must not be applied
 * ahead of slot 11 (queued or already committed), or slot 11's changes to the same account are lost and its
 * events collapse into slot 12: the database after the heal must equal an uninterrupted run, events and their
 * order included.
 */
import { Metadata, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { SubscribeRequest, SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStreamSession, type SessionOptions } from '../../indexer/session/stream-session.js';
import { StatusTracker } from '../../indexer/status/status.js';
import { createCursor, readCursor } from '../../indexer/write/cursor.js';
import { CHOIR_PROGRAM_ID, encodeThreadAccount } from '../../programs/choir/client/index.js';
import { SubscribeMethod } from '../../src/devnet/geyser/server.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { snapshot } from './db-snapshot.js';
import { key, newThread } from './fixtures.js';

const PROGRAM = CHOIR_PROGRAM_ID.toBase58();
const encode = (u: Record<string, unknown>) =>
  Buffer.from(SubscribeUpdate.encode(SubscribeUpdate.fromPartial({ filters: ['choir'], ...u } as never)).finish());

type Thread = ReturnType<typeof newThread>;

/** A Geyser account update carrying `thread`'s account data, as the official client would receive it. */
function threadUpdate(thread: Thread, slot: number, writeVersion: number) {
  const { address, ...account } = thread;
  return encode({
    account: {
      slot: String(slot),
      isStartup: false,
      account: {
        pubkey: bs58.decode(address),
        lamports: '1000000',
        owner: bs58.decode(PROGRAM),
        executable: false,
        rentEpoch: '0',
        data: encodeThreadAccount(account),
        writeVersion: String(writeVersion),
      },
    },
  });
}

/** A stream session against a scripted server: small batches, no waiting, a generous ping deadline. */
function sessionOptions(o: Pick<SessionOptions, 'pool' | 'url' | 'cursor' | 'status' | 'signal'>): SessionOptions {
  return {
    ...o,
    stream: 'choir',
    xToken: undefined,
    programId: PROGRAM,
    batchMax: 100,
    batchMs: 1,
    pingDeadlineMs: 5_000,
    logger: silentLogger,
  };
}

function script() {
  const threads = [10, 11, 12].map(() => newThread());
  const account = (slot: number, i: number) => threadUpdate(threads[i] as Thread, slot, slot);
  const status = (slot: number, parent: number) =>
    encode({ slot: { slot: String(slot), parent: String(parent), status: 0 } });
  return {
    threads,
    bySlot: new Map<number, Buffer[]>([
      [10, [account(10, 0), status(10, 9)]],
      [11, [account(11, 1), status(11, 10)]],
      [12, [account(12, 2), status(12, 11)]],
      [13, [status(13, 12)]],
    ]),
  };
}

/** How the first stream misbehaves (later streams replay faithfully). */
interface Faults {
  /** Slots the first stream loses (the gap). */
  readonly lose?: ReadonlySet<number>;
  /** On the first stream, wait this long before message `index` of this slot. */
  readonly pause?: { readonly slot: number; readonly index: number; readonly ms: number };
}

async function scriptedServer(bySlot: Map<number, Buffer[]>, script: Faults = { lose: new Set([11]) }) {
  let streams = 0;
  const server = new Server();
  server.addService(
    { Subscribe: SubscribeMethod },
    {
      Subscribe: (call: ServerDuplexStream<SubscribeRequest, Buffer>) => {
        call.sendMetadata(new Metadata());
        const first = ++streams === 1;
        call.on('data', async (req: SubscribeRequest) => {
          if (req.ping) call.write(encode({ pong: { id: req.ping.id } }));
          if (!req.accounts || Object.keys(req.accounts).length === 0) return;
          const from = Number(req.fromSlot ?? 0);
          for (const [slot, messages] of bySlot) {
            if (slot < from || (first && script.lose?.has(slot))) continue; // the first stream loses these
            for (const [i, m] of messages.entries()) {
              if (first && script.pause?.slot === slot && i === script.pause.index) {
                await new Promise((r) => setTimeout(r, script.pause?.ms));
              }
              call.write(m);
            }
          }
        });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { url: `http://127.0.0.1:${port}`, close: () => server.forceShutdown() };
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
    const server = await scriptedServer(bySlot);
    await createCursor(pool, 'choir', 9n, { genesisHash: 'g', programId: PROGRAM });
    const status = new StatusTracker('choir');
    const session = (cursor: bigint, signal: AbortSignal) =>
      runStreamSession(sessionOptions({ pool, url: server.url, cursor, status, signal }));
    const first = await session(9n, new AbortController().signal);
    expect(first.message).toMatch(/gap: slot 12 has parent 11/);
    expect(status.gapsHealed).toBe(1);
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
    server.close();
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
      encode({ slot: { slot: String(slot), parent: String(parent), status: level } });
    return new Map<number, Buffer[]>([
      [10, [account(a, 10, 100), status(10, 9)]],
      [11, [account(b, 11, 110), status(11, 10), status(10, 9, 1)]],
      [12, [account(b, 12, 120, [...b.coAuthors, second]), account(c, 12, 121), status(12, 11), status(11, 10, 1)]],
      [13, [status(13, 12)]],
    ]);
  }

  /** Streams the script into a fresh database, session after session, until the cursor covers slot 12. */
  async function indexScript(bySlot: Map<number, Buffer[]>, faults: Faults) {
    const db = await createMigratedDatabase();
    const dbPool = new pg.Pool({ connectionString: db.url, max: 4 });
    const server = await scriptedServer(bySlot, faults);
    await createCursor(dbPool, 'choir', 9n, { genesisHash: 'g', programId: PROGRAM });
    const status = new StatusTracker('choir');
    const endings: string[] = [];
    for (let cursor = 9n; cursor < 12n; cursor = (await readCursor(dbPool, 'choir'))?.slot ?? 9n) {
      const stop = new AbortController();
      const watch = setInterval(async () => {
        if (((await readCursor(dbPool, 'choir'))?.slot ?? 0n) >= 12n) stop.abort();
      }, 25);
      const why = await runStreamSession(
        sessionOptions({ pool: dbPool, url: server.url, cursor, status, signal: stop.signal }),
      );
      clearInterval(watch);
      endings.push(why.message);
      if (endings.length > 5) throw new Error(`no progress: ${endings.join('; ')}`);
    }
    const out = { tables: await snapshot(dbPool), gapsHealed: status.gapsHealed, endings };
    server.close();
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
