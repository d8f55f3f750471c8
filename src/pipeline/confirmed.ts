/**
 * What the workers report when a relayed transaction is confirmed: one log line per action, in the flow of the
 * request that submitted it (so it carries that request's `requestId` and `eventId`, in whichever process and
 * after whatever crash), and `choir_transaction_latency_seconds{action}` from the API accepting it.
 */
import { type ChoirMetrics, countError, type RelayedAction } from '../observability/choir-metrics.js';
import { flowOf, runInFlow } from '../observability/flow.js';
import type { Logger } from '../observability/logger.js';
import type { WorkTrace } from './kinds.js';

export interface Reporting {
  readonly logger: Logger;
  readonly metrics?: ChoirMetrics;
}

export function reportConfirmed(
  o: Reporting,
  action: RelayedAction,
  work: WorkTrace,
  fields: { readonly signature: string } & Record<string, unknown>,
): void {
  runInFlow(flowOf(work), () => {
    if (o.metrics && typeof work.acceptedAt === 'number') {
      o.metrics.transactionLatency.observe({ action }, Math.max(0, Date.now() - work.acceptedAt) / 1000);
    }
    o.logger.info({ action, ...fields }, 'relayed transaction confirmed');
  });
}

/** A final rejection (the item is rolled back): counted by its taxonomy code, logged in its request's flow. */
export function reportRejected(o: Reporting, work: WorkTrace, err: unknown, fields: Record<string, unknown>): void {
  if (o.metrics) countError(o.metrics, err);
  runInFlow(flowOf(work), () => o.logger.warn({ err, ...fields }, 'relayed action rejected'));
}
