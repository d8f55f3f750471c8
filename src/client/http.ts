/**
 * GraphQL over HTTP for the SDK: typed documents in, typed data out. A request that never got an answer, or got one
 * that is not GraphQL JSON, is CLIENT_NETWORK; GraphQL errors keep the API's code (errors.ts).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { fromGraphqlErrors, type GraphqlErrorShape, networkError } from './errors.js';

export interface HttpTransportOptions {
  /** The API's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** Extra headers per request (the session's authorization is added by the client). */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch;
}

export interface HttpTransport {
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    options?: { signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<TResult>;
}

/** Printing a document costs more than sending it; documents are module constants, so keep each print. */
const printed = new WeakMap<object, string>();
function source(document: object): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document as Parameters<typeof print>[0]);
    printed.set(document, text);
  }
  return text;
}

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  // Resolved per call, not captured: a page's fetch may be replaced (tests, service workers) after the client exists.
  const doFetch = (...args: Parameters<typeof fetch>) => (options.fetch ?? globalThis.fetch)(...args);
  return {
    async request(document, variables, call = {}) {
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers?.(), ...call.headers },
          body: JSON.stringify({ query: source(document), variables }),
          ...(call.signal ? { signal: call.signal } : {}),
        });
      } catch (err) {
        throw networkError(`cannot reach ${options.url}: ${(err as Error).message}`, err);
      }
      const body = (await response.json().catch(() => undefined)) as
        | { data?: unknown; errors?: GraphqlErrorShape[] }
        | undefined;
      if (!body || typeof body !== 'object') {
        throw networkError(`${options.url} answered ${response.status} without GraphQL JSON`, undefined, {
          status: response.status,
        });
      }
      if (body.errors?.length) throw fromGraphqlErrors(body.errors);
      if (body.data === undefined || body.data === null) {
        throw networkError(`${options.url} answered ${response.status} without data`, undefined, {
          status: response.status,
        });
      }
      return body.data as never;
    },
  };
}
