/** Builds the per-request (HTTP) or per-operation (graphql-ws) context: caller, loaders, deadline, id. */
import { randomUUID } from 'node:crypto';
import type { Credential } from './auth/auth.js';
import { bearer } from './auth/tokens.js';
import type { ApiContext, ApiServices } from './context.js';
import { createLoaders, type Loaders } from './loaders/loaders.js';
import { noDatabase } from './services.js';

export function buildContext(
  services: ApiServices,
  viewer: Credential | null,
  options: { signal?: AbortSignal; requestId?: string; connection?: { subscriptions: number } } = {},
): ApiContext {
  // The services are the prototype, not copied: a context per operation (10,000 per process for as many
  // subscriptions) holds only what is its own. Loaders are built on first use: a subscription that never reads a
  // relation never builds them (and `refresh` in the subscription resolver replaces them per payload).
  let loaders: Loaders | undefined;
  const context = Object.create(services) as ApiContext & { loaders: Loaders };
  Object.defineProperties(context, {
    viewer: { value: viewer, enumerable: true },
    requestId: { value: options.requestId ?? randomUUID(), enumerable: true },
    signal: { value: options.signal, enumerable: true },
    connection: { value: options.connection, enumerable: true },
    loaders: {
      enumerable: true,
      get: () => {
        loaders ??= createLoaders(services.db ?? noDatabase, options.signal);
        return loaders;
      },
      set: (value: Loaders) => {
        loaders = value;
      },
    },
  });
  return context;
}

/** The caller an `authorization` value names (null: anonymous). Throws UNAUTHENTICATED / SESSION_EXPIRED. */
export async function authenticate(services: ApiServices, authorization: unknown): Promise<Credential | null> {
  const token = bearer(authorization);
  if (token === null || !services.auth) return null;
  return services.auth.authenticate(token);
}
