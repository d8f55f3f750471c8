/**
 * Mounts GraphQL on the API's HTTP server: Apollo Server for queries and mutations at POST/GET /graphql, and
 * graphql-ws on the same path for subscriptions. Apollo stops with the HTTP server (drain plugin).
 */
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { HttpServer } from '../http-server.js';
import type { ApiContext } from './context.js';
import { formatError } from './format-error.js';

export interface GraphqlMount {
  close(): Promise<void>;
}

export async function mountGraphql(
  http: HttpServer,
  schema: GraphQLSchema,
  context: () => ApiContext,
): Promise<GraphqlMount> {
  const wss = new WebSocketServer({ server: http.server, path: '/graphql' });
  const wsServer = useServer({ schema, context }, wss);
  const apollo = new ApolloServer<ApiContext>({
    schema,
    formatError,
    // Introspection stays on: frontend teams generate their typed client from it as well as from schema/.
    introspection: true,
    // Apollo would stop itself on SIGINT/SIGTERM and then re-send the signal to the process, cutting choir's ordered
    // shutdown short; the Lifecycle stops it instead.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  http.app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async () => context() }),
  );
  return {
    async close() {
      await wsServer.dispose();
      await apollo.stop();
    },
  };
}
