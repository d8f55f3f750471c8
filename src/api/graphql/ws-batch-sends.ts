/**
 * Per-connection send wrapper for the graphql-ws server, with two jobs:
 * - Coalescing: what one fan-out sends on a connection goes out in one socket write. The hub hands a connection
 *   holding 100 subscriptions 100 messages within one drain of the microtask queue, and ws would otherwise write
 *   (a syscall) per frame. The socket is corked at the first send and uncorked on the next tick, which Node runs
 *   once the microtask queue is drained: still in the same turn, so a lone message (a replay, which awaits each
 *   write) is not delayed to a later turn. ws's own per-frame cork nests inside.
 * - A write that fails because the client went away (EPIPE, ECONNRESET: the peer closed while a frame was queued)
 *   is not a server fault. graphql-ws's ws glue awaits each send and would turn that rejection into a
 *   console.error and a 4500 close on a socket that is already gone; here it is logged at debug and the send
 *   settles quietly. ws emits 'close' for the dead socket, which ends its subscriptions.
 * `_socket` is ws's underlying net.Socket (not in its typings, present in every ws version).
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';

type SendCallback = (err?: Error) => void;

export function batchSends(ws: WebSocket, logger: Pick<Logger, 'debug'>): void {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  let corked = false;
  ws.send = ((...args: unknown[]) => {
    if (socket && !corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = ((err?: Error) => {
        if (!err) return (callback as SendCallback)();
        logger.debug({ err: err.message }, 'graphql-ws: a frame to a departed client was dropped');
        (callback as SendCallback)();
      }) satisfies SendCallback;
    }
    return send(...args);
  }) as WebSocket['send'];
}
