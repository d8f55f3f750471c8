/**
 * The vector store's size for capacity planning: points, and the bytes they take estimated from the dimension
 * (float32 vectors plus the measured payload and index overhead per point). Counting is a store call, so it is
 * cached: a scrape every few seconds must not turn into a count every few seconds.
 */
import { Gauge, type Registry } from 'prom-client';
import type { VectorStore } from '../vector/types.js';

/** Per-point overhead besides the float32 vector: the embedded store's in-memory index measured ~420 bytes a point. */
export const POINT_OVERHEAD_BYTES = 420;

export function registerVectorStoreMetrics(
  registry: Registry,
  store: Pick<VectorStore, 'count' | 'dimension'>,
  options: { maxAgeMs?: number } = {},
): void {
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  let last: { at: number; points: Promise<number | null> } | null = null;
  const points = () => {
    if (!last || Date.now() - last.at > maxAgeMs) {
      last = { at: Date.now(), points: store.count().catch(() => null) };
    }
    return last.points;
  };
  new Gauge({
    name: 'choir_vector_points',
    help: 'Points in the vector store collection (messages and threads)',
    registers: [registry],
    async collect() {
      const n = await points();
      if (n !== null) this.set(n);
    },
  });
  new Gauge({
    name: 'choir_vector_bytes_estimate',
    help: 'Estimated vector store size: points x (dimension x 4 bytes + per-point overhead)',
    registers: [registry],
    async collect() {
      const n = await points();
      if (n !== null) this.set(n * (store.dimension * 4 + POINT_OVERHEAD_BYTES));
    },
  });
}
