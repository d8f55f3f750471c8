import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embed/types.js';
import { isChoirError } from '../../src/errors/index.js';

export interface EmbedderContractOptions {
  /** The embedder's content limit, to test the oversized case. */
  maxContentBytes: number;
  /** Whether texts sharing words should score closer than unrelated ones (true for lexical and real models). */
  similarTextsAreCloser: boolean;
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

async function invalid(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isChoirError(err, 'EMBEDDING_INVALID')).toBe(true);
}

/** The behaviour every Embedder must have; run against hashing, transformers (tiny model) and http (a double). */
export function runEmbedderContract(
  name: string,
  open: () => Promise<Embedder>,
  options: EmbedderContractOptions,
): void {
  describe(`Embedder contract: ${name}`, () => {
    const texts = ['the cat sat on the mat', 'hello world!', 'solana thread message', 'the dog sat on the mat'];

    it('returns one unit-length vector of its dimension per text, deterministically', async () => {
      const embedder = await open();
      const first = await embedder.embed(texts);
      const second = await embedder.embed(texts);
      expect(first).toHaveLength(texts.length);
      for (const [i, v] of first.entries()) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(embedder.dimension);
        expect(Math.sqrt(cosine(v, v))).toBeCloseTo(1, 5);
        expect(Array.from(v)).toEqual(Array.from(second[i]!));
      }
      expect(embedder.modelId.length).toBeGreaterThan(0);
      await embedder.close();
    });

    it('gives a text the same vector alone as in a batch, and keeps the order', async () => {
      const embedder = await open();
      const batch = await embedder.embed(texts);
      for (const [i, text] of texts.entries()) {
        const [alone] = await embedder.embed([text]);
        for (let j = 0; j < alone!.length; j++) expect(alone![j]).toBeCloseTo(batch[i]![j]!, 5);
      }
      expect(await embedder.embed([])).toEqual([]);
      await embedder.close();
    });

    it('tells different texts apart', async () => {
      const embedder = await open();
      const [a, b] = await embedder.embed(['the cat sat on the mat', 'hello world!']);
      expect(cosine(a!, b!)).toBeLessThan(0.99);
      if (options.similarTextsAreCloser) {
        const [cat, dog, hello] = await embedder.embed([
          'the cat sat on the mat',
          'the dog sat on the mat',
          'hello world!',
        ]);
        expect(cosine(cat!, dog!)).toBeGreaterThan(cosine(cat!, hello!));
      }
      await embedder.close();
    });

    it('rejects empty, blank, oversized and non-string content, failing the whole batch', async () => {
      const embedder = await open();
      await invalid(embedder.embed(['fine', '']));
      await invalid(embedder.embed(['   \n\t']));
      await invalid(embedder.embed(['x'.repeat(options.maxContentBytes + 1)]));
      await invalid(embedder.embed([42 as unknown as string]));
      // Exactly at the limit is allowed (bytes, not characters: é is two bytes).
      const atLimit = 'é'.repeat(Math.floor(options.maxContentBytes / 2));
      expect(await embedder.embed([atLimit])).toHaveLength(1);
      await embedder.close();
    });
  });
}
