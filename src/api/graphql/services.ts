/** Access to optional services from resolvers, with a clear error when this deployment lacks one. */
import { ChoirError } from '../../errors/index.js';
import type { ApiServices } from './context.js';
import type { Sql } from './read/records.js';

export function requireService<K extends keyof ApiServices>(ctx: ApiServices, key: K): NonNullable<ApiServices[K]> {
  const service = ctx[key];
  if (service === undefined || service === null) {
    throw new ChoirError('INTERNAL', `this API instance has no ${String(key)} configured`);
  }
  return service as NonNullable<ApiServices[K]>;
}

/** Stands in for the database where an instance runs without one (a bare test server). */
export const noDatabase: Sql = {
  query: () => Promise.reject(new ChoirError('DATABASE_UNAVAILABLE', 'this API instance has no database')),
};
