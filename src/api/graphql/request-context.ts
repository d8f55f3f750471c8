/** Builds the per-request (HTTP) or per-operation (graphql-ws) context: caller, loaders, deadline, id. */
import { randomUUID } from 'node:crypto';
import type { Credential } from './auth/auth.js';
import { bearer } from './auth/tokens.js';
import type { ApiContext, ApiServices } from './context.js';
import { createLoaders } from './loaders/loaders.js';
import { noDatabase } from './services.js';

export function buildContext(
  services: ApiServices,
  viewer: Credential | null,
  options: { signal?: AbortSignal; requestId?: string; connection?: { subscriptions: number } } = {},
): ApiContext {
  return {
    ...services,
    viewer,
    requestId: options.requestId ?? randomUUID(),
    signal: options.signal,
    connection: options.connection,
    loaders: createLoaders(services.db ?? noDatabase, options.signal),
  };
}

/** The caller an `authorization` value names (null: anonymous). Throws UNAUTHENTICATED / SESSION_EXPIRED. */
export async function authenticate(services: ApiServices, authorization: unknown): Promise<Credential | null> {
  const token = bearer(authorization);
  if (token === null || !services.auth) return null;
  return services.auth.authenticate(token);
}
