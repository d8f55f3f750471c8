/**
 * The consistency tools inside the running service: the reconcile schedule (RECONCILE_EVERY_S, and after the
 * indexer heals a gap) and the admin routes the CLI asks (src/api/admin). Kept out of stack.ts so the composition
 * there stays one line.
 */
import type { RunningIndexer } from '../../indexer/index.js';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import { mountAdmin } from '../api/admin/routes.js';
import type { HttpServer } from '../api/http-server.js';
import type { Relayer } from '../chain/relayer.js';
import type { Config } from '../config/index.js';
import { type ConsistencyOperations, consistencyOperations } from '../consistency/operations.js';
import { startReconcileSchedule } from '../consistency/schedule.js';
import type { Database } from '../db/database.js';
import type { Embedder } from '../embed/index.js';
import type { Logger } from '../observability/logger.js';
import type { VectorStore } from '../vector/index.js';
import type { Lifecycle } from './lifecycle.js';

export interface ConsistencyParts {
  readonly config: Pick<Config, 'pipeline' | 'indexer' | 'vector'>;
  readonly db: Pick<Database, 'pool'>;
  readonly vectorStore: VectorStore;
  readonly embedder: Embedder;
  readonly relayer: Relayer;
  readonly indexer: Pick<RunningIndexer, 'status'>;
  /** Where the admin routes (src/api/admin) mount. */
  readonly http: Pick<HttpServer, 'app'>;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
}

export function startConsistency(parts: ConsistencyParts): ConsistencyOperations {
  const logger = parts.logger.child({ component: 'consistency' });
  const operations = consistencyOperations({
    pool: parts.db.pool,
    store: parts.vectorStore,
    embedder: parts.embedder,
    rpc: parts.relayer.rpc,
    programId: CHOIR_PROGRAM_ID.toBase58(),
    stream: parts.config.indexer.stream,
    logger,
  });
  const schedule = startReconcileSchedule({
    everyMs: parts.config.pipeline.reconcileEveryMs,
    gapsHealed: () => parts.indexer.status().gapsHealed,
    run: () => operations.reconcile(),
    logger,
  });
  parts.lifecycle.onClose('reconcile', () => schedule.close());
  mountAdmin(parts.http.app, operations, logger, parts.config.vector.maxContentBytes);
  return operations;
}
