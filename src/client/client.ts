/**
 * A small typed GraphQL client for frontend teams and tests: pass a document from ./generated/graphql.ts and get
 * its result type back. Transport failures are Frontend/Network errors; GraphQL errors keep the server's code.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { ChoirError, type ErrorCode, ErrorCodes } from '../errors/index.js';

export interface ChoirClientOptions {
  /** The API's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export interface GraphqlErrorShape {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

export function createChoirClient(options: ChoirClientOptions) {
  const doFetch = options.fetch ?? fetch;
  return {
    async request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables) {
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify({ query: print(document), variables }),
        });
      } catch (err) {
        throw new ChoirError('CLIENT_NETWORK', `cannot reach ${options.url}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const body = (await response.json().catch(() => undefined)) as
        | { data?: TResult; errors?: GraphqlErrorShape[] }
        | undefined;
      if (!body) throw new ChoirError('CLIENT_NETWORK', `${options.url} answered ${response.status} without JSON`);
      const first = body.errors?.[0];
      if (first) {
        const code = first.extensions?.code;
        const known = typeof code === 'string' && code in ErrorCodes ? (code as ErrorCode) : 'INTERNAL';
        throw new ChoirError(known, first.message, { details: { errors: body.errors } });
      }
      return body.data as TResult;
    },
  };
}
