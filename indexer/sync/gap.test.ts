/**
 * Gap healing through a scripted Geyser server: the first stream skips slot 11 (slot 12 arrives with parent 11,
 * never streamed); the indexer must notice, end the session without moving the cursor past the hole, and the
 * resubscription from the cursor (which replays slot 11) must apply it.
 */
import { Metadata, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { SubscribeRequest, SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID, encodeThreadAccount } from '../../programs/choir/client/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { newThread } from '../../test/indexer/fixtures.js';
import { createMigratedDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { StatusTracker } from '../status/status.js';
import { createCursor, readCursor } from './cursor.js';
import { runStreamSession } from './run-stream.js';

const PROGRAM = CHOIR_PROGRAM_ID.toBase58();
const encode = (u: Record<string, unknown>) =>
  Buffer.from(SubscribeUpdate.encode(SubscribeUpdate.fromPartial({ filters: ['choir'], ...u } as never)).finish());

function script() {
  const threads = [10, 11, 12].map(() => newThread());
  const account = (slot: number, i: number) => {
    const { address, ...t } = threads[i] as ReturnType<typeof newThread>;
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
          data: encodeThreadAccount(t),
          writeVersion: String(slot),
        },
      },
    });
  };
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

async function scriptedServer(bySlot: Map<number, Buffer[]>) {
  let streams = 0;
  const server = new Server();
  server.addService(
    {
      Subscribe: {
        path: '/geyser.Geyser/Subscribe',
        requestStream: true,
        responseStream: true,
        requestSerialize: (m: SubscribeRequest) => Buffer.from(SubscribeRequest.encode(m).finish()),
        requestDeserialize: (b: Buffer) => SubscribeRequest.decode(b),
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    {
      Subscribe: (call: ServerDuplexStream<SubscribeRequest, Buffer>) => {
        call.sendMetadata(new Metadata());
        const first = ++streams === 1;
        call.on('data', (req: SubscribeRequest) => {
          if (req.ping) call.write(encode({ pong: { id: req.ping.id } }));
          if (!req.accounts || Object.keys(req.accounts).length === 0) return;
          const from = Number(req.fromSlot ?? 0);
          for (const [slot, messages] of bySlot) {
            if (slot < from || (first && slot === 11)) continue; // the first stream loses slot 11
            for (const m of messages) call.write(m);
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
      runStreamSession({
        pool,
        stream: 'choir',
        url: server.url,
        xToken: undefined,
        programId: PROGRAM,
        cursor,
        batchMax: 100,
        batchMs: 1,
        pingDeadlineMs: 5_000,
        status,
        logger: silentLogger,
        signal,
      });
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
});
