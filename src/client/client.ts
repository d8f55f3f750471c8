/**
 * The plain typed request helper: `createChoirClient({ url }).request(doc, vars)` with a document from
 * ./generated/graphql.ts. ChoirClient (choir-client.ts) builds on the same transport and adds sessions, signed
 * mutations and live thread stores.
 */
import { createHttpTransport, type HttpTransportOptions } from './http.js';

export type { GraphqlErrorShape } from './errors.js';
export type ChoirClientOptions = Omit<HttpTransportOptions, 'headers'> & { headers?: Record<string, string> };

export function createChoirClient(options: ChoirClientOptions) {
  const { headers, ...rest } = options;
  return createHttpTransport({ ...rest, ...(headers ? { headers: () => headers } : {}) });
}
