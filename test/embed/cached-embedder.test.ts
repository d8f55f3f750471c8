import { describe, expect, it } from 'vitest';
import { CachedEmbedder } from '../../src/embed/cached-embedder.js';
import { HashingEmbedder } from '../../src/embed/hashing-embedder.js';
import type { Embedder } from '../../src/embed/types.js';
import { isChoirError } from '../../src/errors/index.js';

/** Counts the texts that reach the real embedder. */
class CountingEmbedder implements Embedder {
  readonly kind = 'hashing' as const;
  readonly dimension = 16;
  embedded: string[] = [];
  private readonly inner: HashingEmbedder;
  constructor(readonly modelId = 'counting') {
    this.inner = new HashingEmbedder(16, 1_000);
  }
  async embed(texts: readonly string[]) {
    const out = await this.inner.embed(texts);
    this.embedded.push(...texts);
    return out;
  }
  async close() {}
}

describe('CachedEmbedder', () => {
  it('embeds each distinct text once and returns cached vectors in order', async () => {
    const inner = new CountingEmbedder();
    const cache = new CachedEmbedder(inner, 100);
    const first = await cache.embed(['a', 'b']);
    const second = await cache.embed(['b', 'c', 'a']);
    expect(inner.embedded).toEqual(['a', 'b', 'c']);
    expect(Array.from(second[0]!)).toEqual(Array.from(first[1]!));
    expect(Array.from(second[2]!)).toEqual(Array.from(first[0]!));
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 2, misses: 3 });
  });

  it('keys by model: another model does not reuse the vectors', async () => {
    const a = new CachedEmbedder(new CountingEmbedder('model-a'), 10);
    const b = new CachedEmbedder(new CountingEmbedder('model-b'), 10);
    await a.embed(['same']);
    await b.embed(['same']);
    expect(a.misses + b.misses).toBe(2);
  });

  it('evicts the least recently used entry', async () => {
    const inner = new CountingEmbedder();
    const cache = new CachedEmbedder(inner, 2);
    await cache.embed(['a', 'b']);
    await cache.embed(['a']); // a is now the most recent
    await cache.embed(['c']); // evicts b
    await cache.embed(['a', 'b']);
    expect(inner.embedded).toEqual(['a', 'b', 'c', 'b']);
    expect(cache.size).toBe(2);
  });

  it('hands out copies, and caches nothing from a failed call', async () => {
    const inner = new CountingEmbedder();
    const cache = new CachedEmbedder(inner, 10);
    const [v] = await cache.embed(['x']);
    v!.fill(0);
    const [again] = await cache.embed(['x']);
    expect(again!.some((c) => c !== 0)).toBe(true);
    const err = await cache.embed(['y', '']).catch((e: unknown) => e);
    expect(isChoirError(err, 'EMBEDDING_INVALID')).toBe(true);
    expect(cache.size).toBe(1);
  });
});
