/**
 * Sync and reconcile over every thread (or one), with progress: what `choir sync` / `choir reconcile`, the admin
 * routes and the service's schedule run. Summaries keep the full report of each thread with differences only, so
 * their size follows the problems, not the number of threads.
 */
import { listThreads } from './list-threads.js';
import { overThreads, type Progress, type ThreadFailure } from './over-threads.js';
import type { StateDeps } from './read-state.js';
import { type ReconcileDeps, type ReconcileReport, reconcileThread } from './reconcile.js';
import { syncThread } from './sync-thread.js';
import { DIFFERENCE_KINDS, type DifferenceKind, type SyncReport } from './types.js';

export interface RunOptions {
  /** One thread instead of all. */
  readonly thread?: string;
  readonly onProgress?: (p: Progress) => void;
  readonly concurrency?: number;
}

export interface SyncSummary {
  readonly consistent: boolean;
  readonly threads: number;
  readonly inconsistentThreads: number;
  readonly differences: Record<DifferenceKind, number>;
  readonly inFlight: number;
  /** Threads with differences (all checked threads when one was asked for). */
  readonly reports: SyncReport[];
  /** Threads that could not be read; they make the summary inconsistent (nothing was proven about them). */
  readonly failures: ThreadFailure[];
  readonly totalMs: number;
}

export interface ReconcileSummary {
  readonly dryRun: boolean;
  readonly threads: number;
  readonly repairs: number;
  readonly unrepaired: number;
  readonly reports: ReconcileReport[];
  readonly failures: ThreadFailure[];
  readonly totalMs: number;
}

const emptyCounts = () => Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, 0])) as Record<DifferenceKind, number>;

async function threadsOf(deps: StateDeps, thread: string | undefined) {
  return thread === undefined ? listThreads(deps) : [thread];
}

export async function syncAll(deps: StateDeps, options: RunOptions = {}): Promise<SyncSummary> {
  const started = performance.now();
  const threads = await threadsOf(deps, options.thread);
  const { results, failures } = await overThreads(threads, (t) => syncThread(deps, t), options);
  const differences = emptyCounts();
  for (const r of results) for (const d of r.differences) differences[d.kind] += 1;
  const inconsistent = results.filter((r) => !r.consistent);
  return {
    consistent: inconsistent.length === 0 && failures.length === 0,
    threads: threads.length,
    inconsistentThreads: inconsistent.length,
    differences,
    inFlight: results.reduce((n, r) => n + r.inFlight, 0),
    reports: (options.thread === undefined ? inconsistent : results).sort((a, b) =>
      a.threadAddress.localeCompare(b.threadAddress),
    ),
    failures,
    totalMs: Math.round(performance.now() - started),
  };
}

export async function reconcileAll(
  deps: ReconcileDeps,
  options: RunOptions & { dryRun?: boolean } = {},
): Promise<ReconcileSummary> {
  const started = performance.now();
  const threads = await threadsOf(deps, options.thread);
  const { results, failures } = await overThreads(
    threads,
    (t) => reconcileThread(deps, t, { dryRun: options.dryRun }),
    options,
  );
  const touched = results.filter((r) => r.repairs.length > 0 || r.unrepaired.length > 0);
  return {
    dryRun: options.dryRun === true,
    threads: threads.length,
    repairs: results.reduce((n, r) => n + r.repairs.length, 0),
    unrepaired: results.reduce((n, r) => n + r.unrepaired.length, 0),
    reports: (options.thread === undefined ? touched : results).sort((a, b) =>
      a.threadAddress.localeCompare(b.threadAddress),
    ),
    failures,
    totalMs: Math.round(performance.now() - started),
  };
}
