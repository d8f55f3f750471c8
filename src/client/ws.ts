/**
 * Subscriptions over graphql-ws. One connection per client, opened lazily. graphql-ws reconnects by itself after
 * any drop (exponential backoff with jitter, forever) and re-sends every active subscription; each subscription's
 * variables are a getter, read at every (re)send, so a resumed stream starts from the caller's latest cursor and
 * not from the cursor it was first opened with.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { backoffDelay, type ChoirError, sleep } from '../errors/index.js';
import { fromGraphqlErrors, type GraphqlErrorShape, networkError } from './errors.js';

export type ConnectionState = 'connecting' | 'connected' | 'closed';

export interface WsTransportOptions {
  /** ws:// or wss:// URL of /graphql. */
  url: string;
  /** Node 20 has no global WebSocket: pass `ws`'s (choir/client/node does). */
  webSocketImpl?: unknown;
  /** Read at each (re)connection: the session token may have changed. */
  connectionParams?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  reconnect?: { baseDelayMs: number; maxDelayMs: number; random?: () => number };
  /** Seconds-scale pings so a dead peer is noticed even when no event flows. */
  keepAliveMs?: number;
  /** The server closed the connection with 4403: the credential is bad (drop it; the next attempt goes without). */
  onForbidden?: () => void;
}

export interface SubscriptionSink<T> {
  next(data: T): void;
  /** The subscription ended with an error (the connection itself is retried without calling this). */
  error(error: ChoirError): void;
  complete?(): void;
}

export interface WsTransport {
  subscribe<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: () => TVariables,
    sink: SubscriptionSink<TResult>,
  ): () => void;
  state(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
  /** Closes the socket so that the next connection authenticates afresh; subscriptions resume from their cursors. */
  reconnect(): void;
  dispose(): Promise<void>;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

export function createWsTransport(options: WsTransportOptions): WsTransport {
  const listeners = new Set<(state: ConnectionState) => void>();
  let current: ConnectionState = 'closed';
  const set = (state: ConnectionState) => {
    if (state === current) return;
    current = state;
    for (const l of [...listeners]) l(state);
  };
  const policy = options.reconnect ?? { baseDelayMs: 250, maxDelayMs: 10_000 };
  let socket: { close(code?: number, reason?: string): void } | undefined;
  const client: Client = createClient({
    url: options.url,
    ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
    lazy: true,
    // A page switching threads drops its last subscription and opens another at once: keep the socket a moment.
    lazyCloseTimeout: 2_000,
    keepAlive: options.keepAliveMs ?? 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // graphql-ws counts retries from 0; backoffDelay's first attempt is 1. Full jitter spreads a restarted API's
    // clients over the window instead of having them all reconnect in the same millisecond.
    retryWait: (retries) => sleep(backoffDelay(retries + 1, policy)),
    ...(options.connectionParams ? { connectionParams: options.connectionParams } : {}),
    on: {
      connecting: () => set('connecting'),
      connected: (s) => {
        socket = s as typeof socket;
        set('connected');
      },
      closed: (event) => {
        socket = undefined;
        set('closed');
        if (isCloseEvent(event) && event.code === 4403) options.onForbidden?.();
      },
    },
  });

  return {
    subscribe(document, variables, sink) {
      const query = print(document);
      // A getter: graphql-ws serializes the payload at every (re)subscribe, so it always carries the latest cursor.
      const payload = {
        query,
        get variables() {
          return variables() as Record<string, unknown>;
        },
      };
      let ended = false;
      const dispose = client.subscribe<unknown>(payload as { query: string; variables: Record<string, unknown> }, {
        next(result) {
          if (ended) return;
          const r = result as { data?: unknown; errors?: GraphqlErrorShape[] };
          if (r.errors?.length) {
            ended = true;
            dispose();
            sink.error(fromGraphqlErrors(r.errors));
            return;
          }
          sink.next(r.data as never);
        },
        error(err) {
          if (ended) return;
          ended = true;
          if (Array.isArray(err)) sink.error(fromGraphqlErrors(err as GraphqlErrorShape[]));
          else if (isCloseEvent(err)) {
            sink.error(networkError(`the API closed the subscription (${err.code} ${err.reason})`, undefined, err));
          } else sink.error(networkError(`subscription failed: ${(err as Error)?.message ?? String(err)}`, err));
        },
        complete() {
          if (ended) return;
          ended = true;
          sink.complete?.();
        },
      });
      return () => {
        ended = true;
        dispose();
      };
    },
    state: () => current,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reconnect() {
      // 4499 "Terminated" is retried by graphql-ws like any drop.
      socket?.close(4499, 'reauthenticate');
    },
    async dispose() {
      listeners.clear();
      await client.dispose();
    },
  };
}
