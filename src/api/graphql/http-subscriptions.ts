/**
 * Subscriptions run over graphql-ws on this same path. Sent over HTTP, Apollo would *execute* one like a query,
 * calling the subscription field's resolver without an event, which failed as INTERNAL: refuse it before it runs,
 * saying where subscriptions go.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ChoirError } from '../../errors/index.js';
import type { ApiContext } from './context.js';

export function subscriptionsOverHttpPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          const original = new ChoirError(
            'BAD_REQUEST',
            'subscriptions run over graphql-ws: open a WebSocket to this path (subprotocol graphql-transport-ws)',
          );
          throw new GraphQLError(original.message, { originalError: original, extensions: { http: { status: 400 } } });
        },
      };
    },
  };
}
