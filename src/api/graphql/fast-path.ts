/**
 * The common case of GraphQL over HTTP, served without Apollo's request pipeline: a POSTed JSON query (no
 * mutation, no subscription), valid, within the limits, answered as application/json. Apollo's pipeline (query
 * hash, document store, plugin hooks, response head, header maps) cost as much CPU per request as executing a
 * thread page; here the document comes from the same cache graphql-ws uses, limits from the per-document cache,
 * and errors go through the same `formatError`, so the answer is the one Apollo would give.
 *
 * Anything else returns null and takes Apollo's path, which then answers exactly as before: mutations (never run
 * twice), GET, batches, other content types asked in `accept`, parse and validation errors, limit and
 * anonymous-read refusals, variable errors (graphql-js runs no resolver then, so Apollo re-runs nothing), and
 * everything in development (stack traces).
 */
import { execute, type GraphQLError, type GraphQLFormattedError, type GraphQLSchema, getOperationAST } from 'graphql';
import type { ApiContext, ApiServices } from './context.js';
import type { DocumentCache } from './documents.js';
import { counted } from './error-metrics.js';
import { formatError } from './format-error.js';
import type { LimitChecker } from './limits/limit-cache.js';

export interface FastResult {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

export interface FastPath {
  /** The response, or null: let Apollo answer. */
  run(body: unknown, context: ApiContext, accept: string | undefined): Promise<FastResult | null>;
}

const KEYS = new Set(['query', 'variables', 'operationName']);
const JSON_TYPE = 'application/json; charset=utf-8';

/** An accept header for which Apollo would pick application/json (absent, any, or JSON alone). */
const acceptsJson = (accept: string | undefined) =>
  accept === undefined || accept === '' || accept === '*/*' || /^application\/json\s*(;[^,]*)?$/i.test(accept);

/** Apollo's error enrichment (a code on every error; `extensions.http` sets the status), then choir's format. */
function formatted(error: GraphQLError, head: { status: number }): GraphQLFormattedError {
  try {
    const { http, ...rest } = error.extensions as { http?: { status?: number }; code?: unknown };
    if (http?.status) head.status = http.status;
    const extensions = { ...rest, code: rest.code ?? 'INTERNAL_SERVER_ERROR' };
    return formatError({ ...error.toJSON(), extensions }, error);
  } catch {
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
}

export function createFastPath(
  schema: GraphQLSchema,
  services: ApiServices,
  documents: DocumentCache,
  limits: LimitChecker,
): FastPath {
  const off = services.nodeEnv === 'development';
  return {
    async run(body, context, accept) {
      if (off || !acceptsJson(accept) || typeof body !== 'object' || body === null || Array.isArray(body)) return null;
      const request = body as Record<string, unknown>;
      for (const key of Object.keys(request)) if (!KEYS.has(key)) return null;
      const { query, variables, operationName } = request;
      if (typeof query !== 'string') return null;
      if (
        variables !== undefined &&
        variables !== null &&
        (typeof variables !== 'object' || Array.isArray(variables))
      ) {
        return null;
      }
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
      const parsed = documents.get(query);
      if ('parseError' in parsed || parsed.errors.length) return null;
      const name = operationName ?? undefined;
      const operation = getOperationAST(parsed.document, name);
      if (operation?.operation !== 'query') return null;
      const vars = (variables ?? undefined) as Record<string, unknown> | undefined;
      if (limits.check(parsed.document, name, vars).length) return null;
      if (!context.viewer && !services.settings.anonymousReads) return null;
      const result = await execute({
        schema,
        document: parsed.document,
        variableValues: vars,
        operationName: name,
        contextValue: context,
      });
      // No `data`: a request error (variables) raised before any resolver ran; Apollo answers those (400).
      if (!('data' in result)) return null;
      const head = { status: 200 };
      const payload = result.errors
        ? { errors: result.errors.map((e) => counted(services, formatted(e, head))), data: result.data }
        : { data: result.data };
      return { status: head.status, body: `${JSON.stringify(payload)}\n`, contentType: JSON_TYPE };
    },
  };
}
