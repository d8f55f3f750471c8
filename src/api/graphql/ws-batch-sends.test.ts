import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { batchSends } from './ws-batch-sends.js';

/** A ws-shaped object whose send calls back with `outcome`, over a real (unconnected) net.Socket. */
function fakeWs(outcome: Error | undefined) {
  const socket = new Socket();
  const sent: unknown[] = [];
  const ws = {
    _socket: socket,
    send(data: unknown, cb?: (err?: Error) => void) {
      sent.push(data);
      cb?.(outcome);
    },
  };
  return { ws: ws as unknown as WebSocket, socket, sent };
}

describe('batchSends', () => {
  it('settles a send whose write failed because the client left, and says so at debug', async () => {
    const { ws, sent } = fakeWs(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const debug = vi.fn();
    batchSends(ws, { debug });
    const settled = await new Promise<Error | undefined>((resolve) => ws.send('frame', (err) => resolve(err)));
    expect(settled).toBeUndefined();
    expect(sent).toEqual(['frame']);
    expect(debug).toHaveBeenCalledWith({ err: 'write EPIPE' }, expect.stringContaining('departed'));
  });

  it('passes a successful send through and logs nothing', async () => {
    const { ws } = fakeWs(undefined);
    const debug = vi.fn();
    batchSends(ws, { debug });
    await new Promise<void>((resolve, reject) => ws.send('frame', (err) => (err ? reject(err) : resolve())));
    expect(debug).not.toHaveBeenCalled();
  });

  it('corks the socket once for the sends of one turn and uncorks it on the next tick', async () => {
    const { ws, socket } = fakeWs(undefined);
    batchSends(ws, { debug: vi.fn() });
    ws.send('a');
    ws.send('b');
    expect(socket.writableCorked).toBe(1);
    await new Promise((r) => process.nextTick(r));
    expect(socket.writableCorked).toBe(0);
  });
});
