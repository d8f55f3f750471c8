/**
 * An in-process read cache whose entries are dropped by the events that change them (the design's Backend caches:
 * thread state and search results, "invalidate on change").
 *
 * Each entry carries tags (`thread:<address>`, `all`); the API process's event hub calls `invalidate(tags)` for every
 * event it reads, before it hands the event to any subscriber — so once a client has received an event, no read in
 * that process can answer from an entry older than it.
 *
 * The race a plain cache loses: a read starts, an event invalidates, the read finishes and stores what it read
 * before the event. So a read takes a `ticket()` before it reads, and `set` refuses the value when any of its tags
 * was invalidated after that ticket. Tags are remembered with the epoch of their last invalidation, in a bounded
 * map; a tag pushed out of it counts as invalidated at the newest epoch pushed out (refusing too much, never too
 * little).
 *
 * Entries also expire after `ttlMs`: a change that comes with no event (a bare lamports transfer to a thread, a
 * vector payload update the outbox applies after the indexer's event) is visible within that bound.
 */
export interface ReadCacheOptions {
  /** Most entries kept (least recently used dropped first). */
  readonly maxEntries: number;
  /** Longest an entry is served, ms. */
  readonly ttlMs: number;
  /** Tags whose last invalidation is remembered exactly (default 4 × maxEntries). */
  readonly maxTags?: number;
  readonly now?: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly tags: readonly string[];
  readonly expiresAt: number;
}

export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Tag → the keys of entries carrying it. */
  private readonly byTag = new Map<string, Set<string>>();
  /** Tag → epoch of its last invalidation (insertion order = age, for the bound). */
  private readonly invalidatedAt = new Map<string, number>();
  /** The newest epoch of a tag dropped from `invalidatedAt`: every unremembered tag is at least that stale. */
  private forgottenEpoch = 0;
  private epoch = 0;
  private readonly maxTags: number;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(private readonly options: ReadCacheOptions) {
    this.maxTags = options.maxTags ?? options.maxEntries * 4;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Taken before reading the source: `set` with it stores only if nothing the value depends on changed since. */
  ticket(): number {
    return this.epoch;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e || e.expiresAt <= this.now()) {
      if (e) this.remove(key);
      this.misses += 1;
      return undefined;
    }
    // Least recently used order: a hit moves the entry to the end.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits += 1;
    return e.value;
  }

  /** Stores `value` read after `ticket` was taken; returns false (and stores nothing) when it may be stale. */
  set(key: string, value: V, tags: readonly string[], ticket: number): boolean {
    for (const tag of tags) {
      const at = this.invalidatedAt.get(tag) ?? this.forgottenEpoch;
      if (at > ticket) return false;
    }
    this.remove(key);
    this.entries.set(key, { value, tags, expiresAt: this.now() + this.options.ttlMs });
    for (const tag of tags) {
      const keys = this.byTag.get(tag) ?? new Set<string>();
      keys.add(key);
      this.byTag.set(tag, keys);
    }
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
    }
    return true;
  }

  /** Drops every entry carrying one of `tags`, and refuses values read before now that carry one. */
  invalidate(tags: readonly string[]): void {
    this.epoch += 1;
    for (const tag of tags) {
      this.invalidatedAt.delete(tag);
      this.invalidatedAt.set(tag, this.epoch);
      for (const key of this.byTag.get(tag) ?? []) this.remove(key);
    }
    while (this.invalidatedAt.size > this.maxTags) {
      const [tag, at] = this.invalidatedAt.entries().next().value as [string, number];
      this.invalidatedAt.delete(tag);
      if (at > this.forgottenEpoch) this.forgottenEpoch = at;
    }
  }

  /** Drops everything (the event hub lost events, or reconnected: any entry may be stale). */
  clear(): void {
    this.epoch += 1;
    this.forgottenEpoch = this.epoch;
    this.invalidatedAt.clear();
    this.entries.clear();
    this.byTag.clear();
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    for (const tag of e.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}
