import { createHash } from 'node:crypto';
import type { Embedder } from './types.js';

/**
 * Remembers embeddings by (model id, sha256 of the text) — the same key as a message's id — so re-embedding a
 * message (retries, rebuilds, thread registration) costs nothing. Least-recently-used entries go first.
 */
export class CachedEmbedder implements Embedder {
  readonly kind: Embedder['kind'];
  readonly modelId: string;
  readonly dimension: number;
  private readonly entries = new Map<string, Float32Array>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly maxEntries: number,
  ) {
    this.kind = inner.kind;
    this.modelId = inner.modelId;
    this.dimension = inner.dimension;
  }

  private keyOf(text: string): string {
    return `${this.modelId}\u0000${createHash('sha256').update(text, 'utf8').digest('hex')}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map((t) => this.keyOf(t));
    const result = new Array<Float32Array | undefined>(texts.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const hit = this.entries.get(key);
      if (hit) {
        // Re-insert to mark as recently used.
        this.entries.delete(key);
        this.entries.set(key, hit);
        result[i] = hit;
        this.hits++;
      } else {
        missing.push(i);
      }
    });
    if (missing.length > 0) {
      // The inner embedder validates the texts; nothing is cached unless the whole call succeeds.
      const fresh = await this.inner.embed(missing.map((i) => texts[i]!));
      this.misses += missing.length;
      missing.forEach((i, j) => {
        result[i] = fresh[j]!;
        this.remember(keys[i]!, fresh[j]!);
      });
    }
    // Copies, so a caller that mutates its vector cannot corrupt the cache.
    return result.map((v) => Float32Array.from(v!));
  }

  private remember(key: string, vector: Float32Array): void {
    if (this.maxEntries <= 0) return;
    this.entries.set(key, vector);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  close(): Promise<void> {
    this.entries.clear();
    return this.inner.close();
  }
}
