/**
 * graphql-ws on /graphql. The connection authenticates once (`authorization` in the connection_init payload); every
 * `subscribe` message is parsed, validated and checked against the operation limits, the per-connection cap and the
 * rate limit *here*, so a bad operation is answered with an error message for that operation id while the socket
 * and its other subscriptions carry on. Errors are formatted like HTTP ones (taxonomy `extensions.code`), since
 * graphql-ws does not go through Apollo's formatError.
 */
import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { GraphQLError, type GraphQLSchema, getOperationAST } from 'graphql';
// Renamed: biome reads a `use…` call as a React hook.
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ChoirError, toChoirError } from '../../errors/index.js';
import type { Credential } from './auth/auth.js';
import type { ApiServices } from './context.js';
import type { DocumentCache } from './documents.js';
import { counted } from './error-metrics.js';
import { formatWsError } from './format-error.js';
import type { LimitChecker } from './limits/limit-cache.js';
import { charge, type RateLimits } from './limits/rate-limit.js';
import { authenticate, buildContext, readOwnWrites } from './request-context.js';
import { createSharedSubscribe } from './subscriptions/shared-execution.js';
import { batchSends } from './ws-batch-sends.js';
import { guardConnection } from './ws-guard.js';

interface ConnectionState {
  viewer: Credential | null;
  ip: string;
  /** Active operation ids (the per-connection cap). */
  active: Set<string>;
  counter: { subscriptions: number };
}

function requestError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function choirError(err: unknown): GraphQLError {
  const error = toChoirError(err);
  return new GraphQLError(error.message, { originalError: error });
}

export function startWsServer(
  server: Server,
  schema: GraphQLSchema,
  services: ApiServices,
  limits: RateLimits,
  operationLimits: LimitChecker,
  documents: DocumentCache,
): { close(): Promise<void> } {
  const { settings } = services;
  const development = services.nodeEnv === 'development';
  // Messages up to API_MAX_BODY_BYTES run; a `subscribe` above it (up to 4× that, or 64 KB more) is answered with
  // PAYLOAD_TOO_LARGE for its id while the connection stays open; only a frame past that hard cap (memory
  // protection) closes the socket with 1009, since ws must refuse it before reading it.
  const hardCap = Math.max(settings.maxBodyBytes * 4, settings.maxBodyBytes + 65_536);
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: hardCap });
  wss.on('connection', (ws) => batchSends(ws, services.logger));
  // Before graphql-ws attaches its listeners: server-only messages close with 4400, refused frames log at debug.
  wss.on('connection', (ws) => guardConnection(ws, services.logger));
  const gauge = services.metrics?.webSocketConnections;
  if (gauge) {
    wss.on('connection', (socket) => {
      gauge.inc();
      socket.once('close', () => gauge.dec());
    });
  }
  const states = new WeakMap<object, ConnectionState>();
  const state = (ctx: { extra: object }) => states.get(ctx.extra) as ConnectionState;
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((e) => counted(services, formatWsError(e, development)));

  // One execution per live event for all subscribers asking the same (subscriptions/shared-execution.ts).
  const shared = createSharedSubscribe();
  const disposable = serveGraphqlWs(
    {
      schema,
      subscribe: (args) => shared.subscribe(args),
      async onConnect(ctx) {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const extra = ctx.extra as { request: { socket: { remoteAddress?: string } } };
        let viewer: Credential | null;
        try {
          viewer = await authenticate(services, params.authorization ?? params.Authorization);
        } catch {
          return false; // 4403 Forbidden: a bad credential is not anonymity
        }
        if (!viewer && !settings.anonymousReads) return false;
        states.set(ctx.extra, {
          viewer,
          ip: extra.request.socket.remoteAddress ?? 'unknown',
          active: new Set(),
          counter: { subscriptions: 0 },
        });
        return true;
      },
      onSubscribe(ctx, id, payload) {
        const s = state(ctx);
        const size =
          Buffer.byteLength(payload.query) +
          (payload.variables ? Buffer.byteLength(JSON.stringify(payload.variables)) : 0);
        if (size > settings.maxBodyBytes) {
          return [
            choirError(
              new ChoirError('PAYLOAD_TOO_LARGE', `the operation is ${size} bytes; at most ${settings.maxBodyBytes}`),
            ),
          ];
        }
        // Parsed and validated once per text: subscribers of one query share its document.
        const parsed = documents.get(payload.query);
        if ('parseError' in parsed) return [requestError(parsed.parseError.message, 'GRAPHQL_PARSE_FAILED')];
        const { document } = parsed;
        (payload as { query: string }).query = parsed.query;
        if (parsed.errors.length) {
          return parsed.errors.map((e) => requestError(e.message, 'GRAPHQL_VALIDATION_FAILED'));
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [requestError('no operation to run', 'GRAPHQL_VALIDATION_FAILED')];
        const tooMuch = operationLimits.check(document, payload.operationName, payload.variables);
        if (tooMuch.length) return tooMuch;
        if (s.active.size >= settings.maxSubscriptionsPerConnection) {
          return [
            choirError(
              new ChoirError(
                'SUBSCRIPTION_LIMIT',
                `this connection holds ${s.active.size} subscriptions; at most ${settings.maxSubscriptionsPerConnection} are allowed`,
              ),
            ),
          ];
        }
        try {
          charge(limits, s.viewer, s.ip);
        } catch (err) {
          return [choirError(err)];
        }
        s.active.add(id);
        s.counter.subscriptions = s.active.size;
        const contextValue = buildContext(services, s.viewer, { connection: s.counter });
        // Only queries read from the replica: subscriptions follow what the primary announced (docs/scaling.md).
        if (operation.operation !== 'query') readOwnWrites(contextValue);
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
        return args;
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!('errors' in result) || !result.errors?.length) return result;
        return { ...result, errors: format(result.errors) } as never;
      },
      // Every error message goes through here: onSubscribe's refusals and failed streams alike.
      onError(ctx, id, _payload, errors) {
        const s = states.get(ctx.extra);
        s?.active.delete(id);
        if (s) s.counter.subscriptions = s.active.size;
        return format(errors);
      },
      onComplete(ctx, id) {
        const s = states.get(ctx.extra);
        s?.active.delete(id);
        if (s) s.counter.subscriptions = s.active.size;
      },
    },
    wss,
  );
  return {
    async close() {
      await disposable.dispose();
    },
  };
}
