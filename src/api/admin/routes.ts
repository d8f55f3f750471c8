/**
 * The admin routes: the consistency tools of the running service, for the `choir` CLI on the same machine (in
 * embedded mode the vector store has one owner process — this one — so the CLI asks it instead of opening the
 * store a second time). Local callers only (loopback.ts); anything else gets the same 404 as an unknown path.
 *
 *   POST /admin/sync           { thread? }            → progress lines, then { result: SyncSummary }
 *   POST /admin/reconcile      { thread?, dryRun? }   → progress lines, then { result: ReconcileSummary }
 *   POST /admin/rebuild-index  {}                     → progress lines, then { result: RebuildReport }
 *   POST /admin/adopt-content  { messages: [{ address, content }] }
 *                                                     → progress lines, then { result: AdoptReport }
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { type OfferedContent, parseOffered } from '../../consistency/adopt-content.js';
import type { ConsistencyOperations } from '../../consistency/operations.js';
import { ChoirError, toChoirError } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';
import { isRecordAddress } from '../../vector/point-id.js';
import { isLoopbackRequest } from './loopback.js';
import { ndjson } from './ndjson.js';

/** MAX_CONTENT_BYTES's default (src/config/sections/vector.ts). */
const DEFAULT_MAX_CONTENT_BYTES = 65_536;

/** Progress lines at most this often (the last one always goes). */
const PROGRESS_EVERY_MS = 100;

function localOnly(req: Request, res: Response, next: NextFunction) {
  if (!isLoopbackRequest({ remoteAddress: req.socket.remoteAddress, headers: req.headers })) {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.path}` } });
    return;
  }
  if (!req.is('application/json')) {
    res.status(415).json({ error: { code: 'BAD_USER_INPUT', message: 'admin requests carry a JSON body' } });
    return;
  }
  next();
}

function body(req: Request): { thread?: string; dryRun?: boolean } {
  const b = (req.body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) throw new ChoirError('BAD_USER_INPUT', 'the body must be an object');
  const unknown = Object.keys(b).filter((k) => k !== 'thread' && k !== 'dryRun');
  if (unknown.length > 0) throw new ChoirError('BAD_USER_INPUT', `unknown field(s): ${unknown.join(', ')}`);
  if (b.thread !== undefined && !isRecordAddress(b.thread)) {
    throw new ChoirError('BAD_USER_INPUT', 'thread must be a thread address (base58, 32 bytes)', {
      details: { field: 'thread' },
    });
  }
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') {
    throw new ChoirError('BAD_USER_INPUT', 'dryRun must be true or false', { details: { field: 'dryRun' } });
  }
  return b as { thread?: string; dryRun?: boolean };
}

type Operation = (
  args: { thread?: string; dryRun?: boolean },
  progress: (p: Record<string, unknown>) => void,
) => Promise<unknown>;

function streamed(operation: Operation, logger: Logger, o: { parse?: (req: Request) => ReturnType<typeof body> } = {}) {
  return async (req: Request, res: Response) => {
    let args: ReturnType<typeof body>;
    try {
      args = (o.parse ?? body)(req);
    } catch (err) {
      const e = toChoirError(err);
      res.status(400).json({ error: { code: e.code, message: e.message } });
      return;
    }
    const out = ndjson(res);
    let last = 0;
    const progress = (p: Record<string, unknown>) => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && p.done !== p.total) return;
      last = now;
      out.write({ type: 'progress', ...p });
    };
    try {
      out.write({ type: 'result', result: await operation(args, progress) });
    } catch (err) {
      const e = toChoirError(err);
      logger.warn({ err, path: req.path }, 'admin operation failed');
      out.write({ type: 'error', code: e.code, message: e.message });
    }
    out.end();
  };
}

export function adminRouter(
  operations: ConsistencyOperations,
  logger: Logger,
  maxContentBytes = DEFAULT_MAX_CONTENT_BYTES,
): Router {
  const log = logger.child({ component: 'admin' });
  const router = Router();
  router.use(localOnly);
  // Texts for records written straight to the chain (`choir devnet seed`): a bigger body than the other routes.
  router.post('/adopt-content', express.json({ limit: '16mb' }), (req, res) => {
    let offered: OfferedContent[];
    try {
      offered = parseOffered(req.body, maxContentBytes);
    } catch (err) {
      const e = toChoirError(err);
      res.status(400).json({ error: { code: e.code, message: e.message } });
      return;
    }
    return streamed((_, progress) => operations.adoptContent(offered, (p) => progress({ ...p })), log, {
      parse: () => ({}),
    })(req, res);
  });
  router.use(express.json({ limit: '16kb' }));
  router.post(
    '/sync',
    streamed(({ thread }, progress) => operations.sync({ thread, onProgress: (p) => progress({ ...p }) }), log),
  );
  router.post(
    '/reconcile',
    streamed(
      ({ thread, dryRun }, progress) => operations.reconcile({ thread, dryRun, onProgress: (p) => progress({ ...p }) }),
      log,
    ),
  );
  router.post(
    '/rebuild-index',
    streamed((_, progress) => operations.rebuildIndex({ onProgress: (p) => progress({ ...p }) }), log),
  );
  return router;
}

/** Mounts the admin routes under `/admin`. `maxContentBytes`: the largest text adopt-content takes (VECTOR_MAX_CONTENT_BYTES). */
export function mountAdmin(
  app: express.Express,
  operations: ConsistencyOperations,
  logger: Logger,
  maxContentBytes = DEFAULT_MAX_CONTENT_BYTES,
): void {
  app.use('/admin', adminRouter(operations, logger, maxContentBytes));
}
