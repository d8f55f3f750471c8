export { type SyncDeps, syncThread } from './sync-thread.js';
export type { Difference, DifferenceKind, SyncReport } from './types.js';
