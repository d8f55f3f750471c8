import { Metadata, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { SubscribeRequest } from '@triton-one/yellowstone-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { GeyserStream, streamError } from '../../indexer/source/yellowstone-source.js';
import { SubscribeMethod } from '../../src/devnet/geyser/server.js';

/** A Geyser endpoint that accepts Subscribe and then says nothing, not even pongs: a stalled stream. */
async function silentServer(): Promise<{ url: string; close(): void }> {
  const server = new Server();
  server.addService(
    { Subscribe: SubscribeMethod },
    {
      Subscribe: (call: ServerDuplexStream<SubscribeRequest, Buffer>) => {
        call.sendMetadata(new Metadata());
        call.on('data', () => {});
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { url: `http://127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

describe('GeyserStream', () => {
  let close: (() => void) | null = null;
  afterEach(() => close?.());

  it('declares a stream that sends nothing, pongs included, dead after the ping deadline', async () => {
    const server = await silentServer();
    close = server.close;
    const stream = await GeyserStream.open({
      url: server.url,
      xToken: undefined,
      programId: '11111111111111111111111111111111',
      fromSlot: 5n,
      pingDeadlineMs: 300,
      onData: () => {},
    });
    const why = await stream.closed;
    expect(why.code).toBe('SOLANA_STREAM_FAILED');
    expect(why.message).toMatch(/silent/);
  });

  it('fails to open against a closed port with SOLANA_STREAM_FAILED', async () => {
    await expect(
      GeyserStream.open({
        url: 'http://127.0.0.1:1',
        xToken: undefined,
        programId: '11111111111111111111111111111111',
        fromSlot: null,
        pingDeadlineMs: 300,
        onData: () => {},
      }),
    ).rejects.toMatchObject({ code: 'SOLANA_STREAM_FAILED' });
  });

  it('maps an OUT_OF_RANGE status to SOLANA_REPLAY_UNAVAILABLE (the real status is in err.cause)', () => {
    const err = Object.assign(new Error('stream error'), {
      cause: new Error(`status: OutOfRange, message: "broadcast from 3 is not available, last available: 90"`),
    });
    expect(streamError(err).code).toBe('SOLANA_REPLAY_UNAVAILABLE');
    expect(streamError(new Error('connection reset')).code).toBe('SOLANA_STREAM_FAILED');
  });
});
