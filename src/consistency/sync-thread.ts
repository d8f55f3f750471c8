/**
 * The seed's `sync_state` for one thread: read it from the chain, the vector store and Postgres (read-state.ts) and
 * list every way they disagree (compare.ts), with how long each read took.
 */
import { compare } from './compare.js';
import { readThreadState, type StateDeps } from './read-state.js';
import type { SyncReport } from './types.js';

export type SyncDeps = StateDeps;

export async function syncThread(deps: SyncDeps, threadAddress: string): Promise<SyncReport> {
  const started = performance.now();
  const state = await readThreadState(deps, threadAddress);
  return reportOf(state, compare(state), started);
}

export function reportOf(
  state: Awaited<ReturnType<typeof readThreadState>>,
  comparison: ReturnType<typeof compare>,
  started: number,
): SyncReport {
  return {
    threadAddress: state.threadAddress,
    consistent: comparison.differences.length === 0,
    differences: comparison.differences,
    chainMessages: state.chain.messages.size,
    points: state.points.size,
    rows: state.rows.size,
    inFlight: comparison.inFlight,
    rootChecked: comparison.rootChecked,
    timings: { ...state.timings, totalMs: Math.round(performance.now() - started) },
  };
}
