/**
 * Two things graphql-ws's ws glue (graphql-ws/use/ws) gets wrong for a public server, fixed per connection before
 * the glue attaches its listeners (the guard wraps the socket's `on`, which `once` goes through too):
 * - A client sending a message only servers send (`connection_ack`, `next`, `error`) passes graphql-ws's message
 *   validation, then makes its dispatch throw, which the glue answers with 4500 Internal Server Error and a
 *   console.error. PROTOCOL.md closes a message that has no business there with 4400: done here, before the glue
 *   sees it.
 * - Each message reaches the glue as text (see below).
 * - A frame ws refuses (past maxPayload, invalid UTF-8, a bad opcode): ws closes the socket with the right status
 *   (1009, 1007, 1002) and emits 'error', which the glue prints with console.error — any client could fill the
 *   logs. Those go to the service's logger at debug instead.
 */
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';

const SERVER_ONLY = new Set(['connection_ack', 'next', 'error']);
// A frame without any of these cannot be one of those messages: most frames are let through unparsed.
const MARKERS = ['"connection_ack"', '"next"', '"error"', '\\u'].map((m) => Buffer.from(m));

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** The type of a server-only message, or undefined (anything else, valid or not, is graphql-ws's to judge). */
function serverOnlyType(data: RawData): string | undefined {
  const bytes = bytesOf(data);
  if (!MARKERS.some((m) => bytes.includes(m))) return undefined;
  try {
    const type = (JSON.parse(bytes.toString()) as { type?: unknown } | null)?.type;
    return typeof type === 'string' && SERVER_ONLY.has(type) ? type : undefined;
  } catch {
    return undefined;
  }
}

type Listener = (...args: unknown[]) => void;

export function guardConnection(ws: WebSocket, logger: Logger): void {
  const on = ws.on.bind(ws) as (event: string, listener: Listener) => WebSocket;
  const guarded = (event: string, listener: Listener): Listener => {
    if (event === 'message') {
      return (data, ...rest) => {
        const type = serverOnlyType(data as RawData);
        // As text, which is what the glue makes of it anyway (`String(event)`): its handler stays suspended for a
        // subscription's whole life holding its argument, and a frame's Buffer (object, bytes and the string made
        // from it) would stay with every subscription.
        if (type === undefined) return listener(String(data), ...rest);
        ws.close(4400, `Invalid message received: "${type}" is sent by servers only`);
      };
    }
    if (event === 'error') {
      return (err, ...rest) => {
        const code = (err as { code?: unknown })?.code;
        if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return listener(err, ...rest);
        logger.debug({ code, message: (err as Error).message }, 'graphql-ws: refused a frame');
      };
    }
    return listener;
  };
  ws.on = ((event: string, listener: Listener) => {
    const wrapped = guarded(event, listener);
    // removeListener(event, listener) finds a wrapped listener through `.listener`, as it does for `once`.
    if (wrapped !== listener) (wrapped as Listener & { listener?: Listener }).listener = listener;
    return on(event, wrapped);
  }) as WebSocket['on'];
}
