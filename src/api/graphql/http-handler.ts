/**
 * GraphQL over HTTP on Apollo Server, with choir's transport rules in front of it:
 * - the body is JSON of at most API_MAX_BODY_BYTES: otherwise a JSON error (`BAD_REQUEST`, `PAYLOAD_TOO_LARGE`),
 *   never express's HTML page or a stack trace;
 * - the caller (session token or API key in `authorization`) is resolved first; a bad credential is 401;
 * - rate limits per key, or per IP for anonymous callers (429);
 * - a deadline per operation: past it the client gets QUERY_TIMEOUT and the loaders stop issuing SQL.
 */
import type { ApolloServer } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ChoirError, toChoirError } from '../../errors/index.js';
import type { ApiContext, ApiServices } from './context.js';
import { counted } from './error-metrics.js';
import type { FastPath } from './fast-path.js';
import { taxonomyExtensions } from './format-error.js';
import { charge, type RateLimits } from './limits/rate-limit.js';
import { authenticate, buildContext } from './request-context.js';

function sendError(res: Response, status: number, error: ChoirError, services?: ApiServices) {
  if (res.headersSent) return;
  const retryAfterMs = error.details.retryAfterMs;
  if (typeof retryAfterMs === 'number') res.setHeader('retry-after', String(Math.ceil(retryAfterMs / 1000)));
  const body = { message: error.message, extensions: taxonomyExtensions(error) };
  res.status(status).json({ errors: [services ? counted(services, body) : body] });
}

const STATUS: Partial<Record<ChoirError['code'], number>> = {
  UNAUTHENTICATED: 401,
  SESSION_EXPIRED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
};

/** express.json's failures, as the taxonomy's JSON errors. */
export function bodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction, services?: ApiServices) {
  const type = (err as { type?: string })?.type;
  if (type === 'entity.too.large') {
    return sendError(
      res,
      413,
      new ChoirError('PAYLOAD_TOO_LARGE', 'the request body is larger than allowed'),
      services,
    );
  }
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return sendError(res, 400, new ChoirError('BAD_REQUEST', 'the request body is not valid JSON'), services);
  }
  next(err);
}

export function graphqlHttpHandler(
  apollo: ApolloServer<ApiContext>,
  services: ApiServices,
  limits: RateLimits,
  fastPath: FastPath,
): express.RequestHandler[] {
  const { settings } = services;
  const handle = async (req: Request, res: Response) => {
    if (req.method === 'POST' && (req.body === undefined || req.body === null || typeof req.body !== 'object')) {
      return sendError(
        res,
        400,
        new ChoirError('BAD_REQUEST', 'POST /graphql takes a JSON body (content-type: application/json)'),
        services,
      );
    }
    let context: ApiContext;
    const controller = new AbortController();
    try {
      const viewer = await authenticate(services, req.headers.authorization);
      charge(limits, viewer, req.ip ?? req.socket.remoteAddress ?? 'unknown');
      context = buildContext(services, viewer, { signal: controller.signal });
    } catch (err) {
      const error = toChoirError(err);
      return sendError(res, STATUS[error.code] ?? 500, error, services);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), settings.queryTimeoutMs);
    });
    // The common case (a JSON query) without Apollo's pipeline; anything else through Apollo (fast-path.ts).
    const viaApollo = () => {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      return apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method.toUpperCase(),
          headers,
          search: req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '',
          body: req.body,
        },
        context: async () => context,
      });
    };
    const work = (async () => {
      const fast = req.method === 'POST' ? await fastPath.run(req.body, context, req.headers.accept) : null;
      return fast ?? viaApollo();
    })();
    // Past the deadline nobody awaits `work`: its failure must not become an unhandled rejection.
    work.catch(() => undefined);
    try {
      const result = await Promise.race([work, timeout]);
      if (result === 'timeout') {
        controller.abort();
        return sendError(
          res,
          200,
          new ChoirError('QUERY_TIMEOUT', `the operation did not finish within ${settings.queryTimeoutMs} ms`),
          services,
        );
      }
      if ('contentType' in result) {
        res.statusCode = result.status;
        res.setHeader('content-type', result.contentType);
        res.end(result.body);
        return;
      }
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.status(result.status ?? 200);
      if (result.body.kind === 'complete') {
        // res.end, not res.send: send hashes every body for an ETag, which no GraphQL POST can use.
        res.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    } finally {
      clearTimeout(timer);
    }
  };
  return [
    express.json({ limit: settings.maxBodyBytes }),
    // Four parameters: express calls error handlers by their arity.
    ((err: unknown, req: Request, res: Response, next: NextFunction) =>
      bodyErrors(err, req, res, next, services)) as unknown as express.RequestHandler,
    (req, res, next) => {
      handle(req, res).catch(next);
    },
  ];
}
