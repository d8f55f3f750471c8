/**
 * Reconcile inside the service: every `everyMs`, and soon after the indexer heals a gap (its `gapsHealed` count
 * grows: a stretch of chain was applied late, the moment other parts are most likely to have drifted). Runs never
 * overlap; a failed run is logged and the schedule goes on.
 */
import type { Logger } from '../observability/logger.js';
import type { ReconcileSummary } from './run-all.js';

export interface ReconcileScheduleOptions {
  /** 0: only after healed gaps. */
  readonly everyMs: number;
  /** The indexer's healed-gap count (cheap: read from its in-memory status). */
  readonly gapsHealed: () => number;
  /** How often the gap count is looked at. */
  readonly pollMs?: number;
  readonly run: () => Promise<ReconcileSummary>;
  readonly logger: Logger;
}

export interface ReconcileSchedule {
  /** Runs completed so far (for tests and metrics). */
  runs(): number;
  close(): Promise<void>;
}

export function startReconcileSchedule(o: ReconcileScheduleOptions): ReconcileSchedule {
  const log = o.logger.child({ component: 'reconcile' });
  let seenGaps = o.gapsHealed();
  let lastRun = Date.now();
  let running: Promise<void> | undefined;
  let runs = 0;

  const runOnce = (why: string) => {
    lastRun = Date.now();
    running = o
      .run()
      .then((s) => {
        const line = { why, threads: s.threads, repairs: s.repairs, unrepaired: s.unrepaired, ms: s.totalMs };
        if (s.repairs > 0 || s.unrepaired > 0 || s.failures.length > 0) {
          log.warn({ ...line, failures: s.failures }, 'reconcile repaired differences');
        } else log.info(line, 'reconcile: consistent');
      })
      .catch((err) => log.warn({ err, why }, 'reconcile run failed'))
      .finally(() => {
        runs += 1;
        running = undefined;
      });
  };

  const timer = setInterval(() => {
    if (running) return;
    const gaps = o.gapsHealed();
    if (gaps > seenGaps) {
      seenGaps = gaps;
      runOnce('gap healed');
    } else if (o.everyMs > 0 && Date.now() - lastRun >= o.everyMs) runOnce('schedule');
  }, o.pollMs ?? 1_000);
  timer.unref();

  return {
    runs: () => runs,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
