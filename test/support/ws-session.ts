/**
 * A raw graphql-transport-ws connection for tests that send what no well-behaved client would: any frame, text or
 * binary, and every message and the close event recorded as they arrive.
 */
import WebSocket from 'ws';

export interface WsMessage {
  type?: string;
  id?: string;
  payload?: unknown;
}

export interface WsSession {
  readonly messages: WsMessage[];
  /** Set once the server (or the network) closed the socket. */
  closed: { code: number; reason: string } | null;
  /** Bytes go as a binary frame unless `text` (then as a text frame, valid UTF-8 or not). */
  send(frame: string | Uint8Array, options?: { text?: boolean }): void;
  /** Resolves with the first message `match` accepts (already received or arriving within `ms`). */
  next(match: (m: WsMessage) => boolean, ms?: number): Promise<WsMessage>;
  /** Resolves with the close event (within `ms`). */
  whenClosed(ms?: number): Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function openWsSession(url: string): Promise<WsSession> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  const session: WsSession = {
    messages: [],
    closed: null,
    send(frame, options = {}) {
      const binary = typeof frame !== 'string' && !options.text;
      if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary });
    },
    next(match, ms = 5_000) {
      return until(() => session.messages.find(match), ms, 'a matching message');
    },
    whenClosed(ms = 5_000) {
      return until(() => session.closed ?? undefined, ms, 'the close');
    },
    close() {
      socket.terminate();
    },
  };
  function until<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${ms} ms (closed: ${JSON.stringify(session.closed)})`));
      }, ms);
      if (!check()) waiters.add(check);
    });
  }
  socket.on('message', (data) => {
    let message: WsMessage;
    try {
      message = JSON.parse(String(data));
    } catch {
      message = { type: 'unparsable' };
    }
    session.messages.push(message);
    wake();
  });
  socket.on('close', (code, reason) => {
    session.closed = { code, reason: String(reason) };
    wake();
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return session;
}
