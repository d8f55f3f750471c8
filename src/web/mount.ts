/**
 * Serves the web page at `/` and GraphiQL at `GET /graphql` for browsers (Accept: text/html, no `query` parameter),
 * both from web/dist, in front of the API's GraphQL handler. Hashed assets get a year-long immutable cache; the
 * HTML pages are revalidated on every load so a deploy is picked up at once. A Content-Security-Policy keeps the
 * pages to this origin: nothing is fetched from outside.
 */
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../observability/logger.js';
import { buildWeb, isWebBuildFresh, WEB_DIST } from './build.js';

const CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  // GraphiQL's editor sets inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebMountOptions {
  logger: Logger;
  dist?: string;
  /** Rebuild when web/dist is missing or older than its sources (default true; the build takes a few seconds). */
  rebuildIfStale?: boolean;
}

/** Wants an HTML page: a browser's navigation, not a GraphQL GET (`?query=`) or a client asking for JSON. */
function wantsPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (typeof req.query.query === 'string') return false;
  return (req.headers.accept ?? '').includes('text/html');
}

export async function mountWeb(app: Express, options: WebMountOptions): Promise<void> {
  const dist = options.dist ?? WEB_DIST;
  if ((options.rebuildIfStale ?? true) && !isWebBuildFresh(dist)) {
    const started = Date.now();
    try {
      await buildWeb(dist);
      options.logger.info({ ms: Date.now() - started }, 'web: built the page (web/dist was missing or stale)');
    } catch (err) {
      options.logger.error({ err }, 'web: the page could not be built; / and GraphiQL answer 503');
    }
  }
  const html = (file: string) => (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.sendFile(join(dist, file), (err) => {
      if (!err) return;
      if (res.headersSent) return next(err);
      res.status(503).type('text/plain').send('the web page is not built: run `npm run web:build`\n');
    });
  };
  app.use(
    '/assets',
    express.static(join(dist, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  app.get('/', html('index.html'));
  app.get('/graphql', (req, res, next) => (wantsPage(req) ? html('graphiql.html')(req, res, next) : next()));
}
