/** `choir_api_cache_lookups_total{cache,result}` and `choir_api_cache_entries{cache}`, read from the caches at scrape time. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ApiCaches } from './api-caches.js';

export function registerCacheMetrics(registry: Registry, caches: ApiCaches): void {
  const named = { threads: caches.threads, coAuthors: caches.coAuthors, search: caches.search } as const;
  const seen = new Map<string, { hits: number; misses: number }>();
  new Counter({
    name: 'choir_api_cache_lookups_total',
    help: 'In-process cache lookups of this API process, by cache and result (hit or miss)',
    labelNames: ['cache', 'result'],
    registers: [registry],
    collect() {
      // The caches count on their own (no registry inside them); the counter catches up at each scrape.
      for (const [name, cache] of Object.entries(named)) {
        const last = seen.get(name) ?? { hits: 0, misses: 0 };
        this.inc({ cache: name, result: 'hit' }, cache.hits - last.hits);
        this.inc({ cache: name, result: 'miss' }, cache.misses - last.misses);
        seen.set(name, { hits: cache.hits, misses: cache.misses });
      }
    },
  });
  new Gauge({
    name: 'choir_api_cache_entries',
    help: 'Entries held by each in-process cache of this API process',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      for (const [name, cache] of Object.entries(named)) this.set({ cache: name }, cache.size);
    },
  });
}
