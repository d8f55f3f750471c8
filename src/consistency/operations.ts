/**
 * The consistency tools behind one object, as the service's schedule, its admin routes and the CLI (with no
 * service running) call them. Operations that write (reconcile, rebuild-index) run one at a time in a process:
 * two repairs of the same difference would each append a Recovered event, and a rebuild racing a reconcile would
 * fill its new collection from rows being rewritten.
 */
import type pg from 'pg';
import type { RpcClient } from '../chain/rpc-client.js';
import type { Embedder } from '../embed/types.js';
import type { Logger } from '../observability/logger.js';
import type { VectorStore } from '../vector/types.js';
import { type AdoptReport, adoptContent, type OfferedContent } from './adopt-content.js';
import { type RebuildOptions, type RebuildReport, rebuildIndex } from './rebuild-index.js';
import { type ReconcileSummary, type RunOptions, reconcileAll, type SyncSummary, syncAll } from './run-all.js';

export interface ConsistencyDeps {
  readonly pool: pg.Pool;
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly rpc: RpcClient;
  readonly programId: string;
  /** The indexer's stream (its cursor tells what Postgres has caught up with). */
  readonly stream: string;
  readonly logger: Logger;
}

export interface ConsistencyOperations {
  sync(options?: RunOptions): Promise<SyncSummary>;
  reconcile(options?: RunOptions & { dryRun?: boolean }): Promise<ReconcileSummary>;
  rebuildIndex(options?: RebuildOptions): Promise<RebuildReport>;
  /** Stores offered texts as the copies of records that have none, then restores their points (adopt-content.ts). */
  adoptContent(
    offered: readonly OfferedContent[],
    onProgress?: (p: { done: number; total: number }) => void,
  ): Promise<AdoptReport>;
}

export function consistencyOperations(deps: ConsistencyDeps): ConsistencyOperations {
  let writing: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = writing.then(fn, fn);
    writing = run.catch(() => undefined);
    return run;
  };
  return {
    sync: (options = {}) => syncAll(deps, options),
    reconcile: (options = {}) =>
      // A dry run writes nothing: it need not wait for a running repair.
      options.dryRun ? reconcileAll(deps, options) : exclusive(() => reconcileAll(deps, options)),
    rebuildIndex: (options = {}) => exclusive(() => rebuildIndex(deps, options)),
    adoptContent: (offered, onProgress) => exclusive(() => adoptContent(deps, offered, onProgress)),
  };
}
