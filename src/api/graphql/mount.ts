/**
 * Mounts GraphQL on the API's HTTP server: Apollo Server for queries and mutations at POST/GET /graphql, and
 * graphql-ws on the same path for subscriptions. Both apply the same operation limits, credentials and rate
 * limits. Apollo stops with the HTTP server (drain plugin).
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ChoirError } from '../../errors/index.js';
import type { HttpServer } from '../http-server.js';
import type { ApiContext, ApiServices } from './context.js';
import { createDocumentCache } from './documents.js';
import { counted } from './error-metrics.js';
import { createFastPath } from './fast-path.js';
import { formatError } from './format-error.js';
import { graphqlHttpHandler } from './http-handler.js';
import { subscriptionsOverHttpPlugin } from './http-subscriptions.js';
import { createLimitChecker, type LimitChecker } from './limits/limit-cache.js';
import { createRateLimits } from './limits/rate-limit.js';
import { readOwnWrites } from './request-context.js';
import { startWsServer } from './ws-server.js';

export interface GraphqlMount {
  close(): Promise<void>;
}

/** Fields an anonymous caller may use when anonymous reads are off: signing in, and health. */
const PUBLIC_FIELDS = new Set(['authChallenge', 'signIn', 'health', 'readiness', '__typename']);

function limitsPlugin(limits: LimitChecker, services: ApiServices): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, contextValue, operation }) {
          // A mutation reads back its own writes: from the primary, not the read replica.
          if (operation?.operation === 'mutation') readOwnWrites(contextValue);
          const errors = limits.check(document, operationName, request.variables);
          if (errors.length) throw withStatus(errors[0] as GraphQLError, 400);
          if (!contextValue.viewer && !services.settings.anonymousReads) {
            const fields = (operation?.selectionSet.selections ?? []).map((s) =>
              s.kind === 'Field' ? s.name.value : '',
            );
            if (!fields.every((f) => PUBLIC_FIELDS.has(f))) {
              const original = new ChoirError('UNAUTHENTICATED', 'sign in or pass an API key: anonymous reads are off');
              throw withStatus(new GraphQLError(original.message, { originalError: original }), 401);
            }
          }
        },
      };
    },
  };
}

function withStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error.originalError ?? undefined,
    extensions: { ...error.extensions, http: { status } },
  });
}

export async function mountGraphql(
  http: HttpServer,
  schema: GraphQLSchema,
  services: ApiServices,
): Promise<GraphqlMount> {
  const limits = createRateLimits(services.settings);
  const operationLimits = createLimitChecker(schema, services.settings);
  // One cache of parsed, validated documents for graphql-ws and the HTTP fast path.
  const documents = createDocumentCache(schema);
  const ws = startWsServer(http.server, schema, services, limits, operationLimits, documents);
  const apollo = new ApolloServer<ApiContext>({
    schema,
    formatError: (formatted, error) => counted(services, formatError(formatted, error)),
    plugins: [
      subscriptionsOverHttpPlugin(),
      limitsPlugin(operationLimits, services),
      // Cache-control hints are not used (responses are per caller); its per-field hook made Apollo wrap every
      // resolver of the schema, which cost more than the rest of a thread page's execution.
      ApolloServerPluginCacheControlDisabled(),
    ],
    includeStacktraceInErrorResponses: services.nodeEnv === 'development',
    // Introspection stays on: frontend teams generate their typed client from it as well as from schema/.
    introspection: true,
    // Apollo would stop itself on SIGINT/SIGTERM and then re-send the signal to the process, cutting choir's ordered
    // shutdown short; the Lifecycle stops it instead.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const fastPath = createFastPath(schema, services, documents, operationLimits);
  http.app.use('/graphql', ...graphqlHttpHandler(apollo, services, limits, fastPath));
  return {
    async close() {
      await ws.close();
      await apollo.stop();
    },
  };
}
