/**
 * The API process's read caches (the design's Backend caches: thread state and search results), dropped by the
 * events that change them. The event hub calls `onEvent` for every event it reads *before* any subscriber gets it
 * (event-hub.ts), so a client that has received an event never reads, from this process, state older than it.
 *
 * - threads / coAuthors: a thread's row and co-author list, tagged `thread:<address>`; every event of the thread
 *   drops them (all changes of thread state that matter to readers come with an event; those that do not — a bare
 *   lamports transfer — are bounded by the TTL).
 * - search: the vector part of a search (embedding + vector query: the expensive part), tagged `thread:<address>`
 *   when the search is filtered to a thread, else `all`; an event drops its thread's entries and every unfiltered
 *   one. Message rows (status, commitment, `onChainVerified`) are always read fresh for the hits.
 */
import type { ThreadRecord } from '../read/records.js';
import { ReadCache } from './read-cache.js';

/** One vector hit of a cached search. */
export interface CachedHit {
  readonly address: string;
  readonly score: number;
  readonly payload: { readonly thread_id: string; readonly content_hash: string };
}

export interface ApiCaches {
  readonly threads: ReadCache<ThreadRecord | null>;
  readonly coAuthors: ReadCache<string[]>;
  readonly search: ReadCache<readonly CachedHit[]>;
  /** Drops what an event of `threadAddress` may have changed. Called by the event hub before delivery. */
  onEvent(event: CachedEvent): void;
  /**
   * Called by a query about to return events read from the log (`events`, `Thread.events`): those the hub has not
   * passed yet drop their entries now, so the caller cannot then read state from before an event it holds.
   */
  handingOut(events: readonly CachedEvent[]): void;
  /** The hub's first position (the log's tail when it started): events up to it changed nothing cached here. */
  hubStartedAt(sequence: bigint): void;
}

/** What an event tells the caches: its place in the log and its thread. */
export interface CachedEvent {
  readonly sequence: bigint;
  readonly threadAddress: string;
}

export const threadTag = (address: string) => `thread:${address}`;
export const ALL_TAG = 'all';

export function createApiCaches(settings: { cacheTtlMs: number; cacheEntries: number }): ApiCaches | undefined {
  if (settings.cacheTtlMs <= 0) return undefined;
  const options = { maxEntries: settings.cacheEntries, ttlMs: settings.cacheTtlMs };
  const threads = new ReadCache<ThreadRecord | null>(options);
  const coAuthors = new ReadCache<string[]>(options);
  const search = new ReadCache<readonly CachedHit[]>(options);
  /** The last event the hub passed: any later one read from the log is ahead of it. */
  let hubPassed = -1n;
  const drop = (threadAddress: string) => {
    const tag = threadTag(threadAddress);
    threads.invalidate([tag]);
    coAuthors.invalidate([tag]);
    search.invalidate([tag, ALL_TAG]);
  };
  return {
    threads,
    coAuthors,
    search,
    onEvent(event) {
      if (event.sequence > hubPassed) hubPassed = event.sequence;
      drop(event.threadAddress);
    },
    handingOut(events) {
      const ahead = new Set<string>();
      for (const e of events) if (e.sequence > hubPassed) ahead.add(e.threadAddress);
      for (const thread of ahead) drop(thread);
    },
    hubStartedAt(sequence) {
      if (sequence > hubPassed) hubPassed = sequence;
    },
  };
}

/**
 * A DataLoader batch through a cache: cached keys answered from it, the others loaded (one call) and stored —
 * unless an event invalidated them while they were read (the ticket).
 */
export async function cachedBatch<V>(
  cache: ReadCache<V> | undefined,
  keys: readonly string[],
  load: (missing: readonly string[]) => Promise<Map<string, V>>,
  fallback: V,
): Promise<V[]> {
  if (!cache) {
    const found = await load(keys);
    return keys.map((k) => found.get(k) ?? fallback);
  }
  const ticket = cache.ticket();
  const out = keys.map((k) => cache.get(k));
  const missing = keys.filter((_, i) => out[i] === undefined);
  if (missing.length === 0) return out as V[];
  const found = await load(missing);
  for (const k of missing) cache.set(k, found.get(k) ?? fallback, [threadTag(k)], ticket);
  return keys.map((k, i) => (out[i] !== undefined ? (out[i] as V) : (found.get(k) ?? fallback)));
}
