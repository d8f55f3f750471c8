/** How a store's state reads to a UI: its phase, and the order its messages are listed in. */
import type { MessageEntry, StorePhase } from './types.js';

export interface PhaseInput {
  readonly closed: boolean;
  readonly reloading: boolean;
  /** The thread is known (loaded, or shown by an event). */
  readonly hasThread: boolean;
  /** Reloads after the initial load: a reload then is 'reloading', never 'loading'. */
  readonly reloads: number;
  readonly streamDown: boolean;
}

/** Closed first, then loading/reloading, then a dropped stream, then whether the thread exists. */
export function phaseOf(s: PhaseInput): StorePhase {
  if (s.closed) return 'closed';
  if (s.reloading) return s.hasThread || s.reloads > 0 ? 'reloading' : 'loading';
  if (s.streamDown) return 'reconnecting';
  return s.hasThread ? 'live' : 'missing';
}

/** Oldest first; messages created in the same millisecond in address order, so every client lists them alike. */
export function byCreation(a: MessageEntry, b: MessageEntry): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}
