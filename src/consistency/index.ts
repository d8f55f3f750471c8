export { type ConsistencyDeps, type ConsistencyOperations, consistencyOperations } from './operations.js';
export { type RebuildProgress, type RebuildReport, rebuildIndex } from './rebuild-index.js';
export { type ReconcileDeps, type ReconcileReport, type RepairReport, reconcileThread } from './reconcile.js';
export { type ReconcileSummary, type RunOptions, reconcileAll, type SyncSummary, syncAll } from './run-all.js';
export { type ReconcileSchedule, startReconcileSchedule } from './schedule.js';
export { type SyncDeps, syncThread } from './sync-thread.js';
export type { Difference, DifferenceKind, SyncReport } from './types.js';
