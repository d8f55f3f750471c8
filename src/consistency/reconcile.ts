/**
 * The seed's `recover_consistency`: sync a thread, plan a repair for each difference (plan-repairs.ts) and carry
 * it out (apply-repairs.ts), one `Recovered` event per repair. `dryRun` reports the plan and changes nothing.
 */

import { applyRepairs, type RepairDeps } from './apply-repairs.js';
import { compare } from './compare.js';
import { planRepairs, type RepairAction } from './plan-repairs.js';
import { readThreadState, type StateDeps } from './read-state.js';
import { reportOf } from './sync-thread.js';
import type { Difference, SyncReport } from './types.js';

export type ReconcileDeps = StateDeps & RepairDeps & { readonly store: StateDeps['store'] & RepairDeps['store'] };

export interface RepairReport {
  readonly action: RepairAction;
  readonly kind: Difference['kind'];
  readonly address: string;
  readonly detail: string;
}

export interface ReconcileReport {
  readonly threadAddress: string;
  readonly dryRun: boolean;
  /** What sync found before any repair. */
  readonly sync: SyncReport;
  /** Done (or, in a dry run, what would be done), one `Recovered` event each. */
  readonly repairs: RepairReport[];
  /** Differences no repair applies to (a root mismatch, content already flagged as lost). */
  readonly unrepaired: Difference[];
  readonly totalMs: number;
}

export async function reconcileThread(
  deps: ReconcileDeps,
  threadAddress: string,
  options: { dryRun?: boolean } = {},
): Promise<ReconcileReport> {
  const started = performance.now();
  const state = await readThreadState(deps, threadAddress);
  const comparison = compare(state);
  const sync = reportOf(state, comparison, started);
  const plan = planRepairs(state, comparison.differences);
  const dryRun = options.dryRun === true;
  if (!dryRun) await applyRepairs(deps, state, plan.repairs);
  return {
    threadAddress,
    dryRun,
    sync,
    repairs: plan.repairs.map((r) => ({
      action: r.action,
      kind: r.difference.kind,
      address: r.difference.address,
      detail: r.difference.detail,
    })),
    unrepaired: plan.unrepaired,
    totalMs: Math.round(performance.now() - started),
  };
}
