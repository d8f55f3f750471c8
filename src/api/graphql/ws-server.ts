/**
 * graphql-ws on /graphql. The connection authenticates once (`authorization` in the connection_init payload); every
 * `subscribe` message is parsed, validated and checked against the operation limits, the per-connection cap and the
 * rate limit *here*, so a bad operation is answered with an error message for that operation id while the socket
 * and its other subscriptions carry on. Errors are formatted like HTTP ones (taxonomy `extensions.code`), since
 * graphql-ws does not go through Apollo's formatError.
 */
import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { GraphQLError, type GraphQLSchema, getOperationAST, parse, validate } from 'graphql';
// Renamed: biome reads a `use…` call as a React hook.
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ChoirError, toChoirError } from '../../errors/index.js';
import type { Credential } from './auth/auth.js';
import type { ApiServices } from './context.js';
import { formatWsError } from './format-error.js';
import { checkOperationLimits } from './limits/operation-limits.js';
import { charge, type RateLimits } from './limits/rate-limit.js';
import { authenticate, buildContext } from './request-context.js';

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
): { close(): Promise<void> } {
  const { settings } = services;
  const development = services.nodeEnv === 'development';
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: settings.maxBodyBytes });
  const states = new WeakMap<object, ConnectionState>();
  const state = (ctx: { extra: object }) => states.get(ctx.extra) as ConnectionState;
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatWsError(e, development));

  const disposable = serveGraphqlWs(
    {
      schema,
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
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [requestError((err as Error).message, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document);
        if (invalid.length) {
          return invalid.map((e) => requestError(e.message, 'GRAPHQL_VALIDATION_FAILED'));
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [requestError('no operation to run', 'GRAPHQL_VALIDATION_FAILED')];
        const tooMuch = checkOperationLimits(schema, document, payload.operationName, payload.variables, settings);
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
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: buildContext(services, s.viewer, { connection: s.counter }),
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
