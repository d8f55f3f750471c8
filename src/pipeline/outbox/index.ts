export {
  type ClaimedItem,
  type ClaimOptions,
  claim,
  complete,
  enqueue,
  type FailOptions,
  fail,
  type OutboxEntry,
  outboxCounts,
} from './outbox.js';
export { NOT_YET, type OutboxWorker, type OutboxWorkerOptions, startOutboxWorker } from './worker.js';
