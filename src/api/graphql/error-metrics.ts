/**
 * Every error the API returns is counted once, by the code the client sees (`choir_errors_total{code}`), at the
 * points where responses are formatted: Apollo's formatError, the HTTP fast path, graphql-ws, and the transport
 * errors of the HTTP handler.
 */
import type { GraphQLFormattedError } from 'graphql';
import { countErrorCode } from '../../observability/choir-metrics.js';
import type { ApiServices } from './context.js';

export function counted<E extends GraphQLFormattedError>(services: ApiServices, formatted: E): E {
  if (services.metrics) countErrorCode(services.metrics, formatted.extensions?.code);
  return formatted;
}
