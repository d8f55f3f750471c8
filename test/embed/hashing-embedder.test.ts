import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/embed/hashing-embedder.js';
import { runEmbedderContract } from './embedder.contract.js';

runEmbedderContract('hashing', async () => new HashingEmbedder(384, 4_096), {
  maxContentBytes: 4_096,
  similarTextsAreCloser: true,
});

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder();

  it('defaults to 384 dimensions and names its algorithm version and dimension', () => {
    expect(embedder.dimension).toBe(384);
    expect(embedder.modelId).toBe('hashing-v1-d384');
    expect(new HashingEmbedder(64).modelId).toBe('hashing-v1-d64');
  });

  it('produces the same vectors as when this version was released (a change must bump the version)', () => {
    const v = embedder.embedOne('Choir records every message hash on chain.');
    const digest = createHash('sha256').update(Buffer.from(v.buffer)).digest('hex');
    expect(digest).toMatchSnapshot();
  });

  it('is lexical: case and spacing do not matter, shared words do, synonyms do not', () => {
    const base = embedder.embedOne('The quick brown fox');
    expect(cosine(base, embedder.embedOne('the   QUICK brown fox'))).toBeCloseTo(1, 6);
    expect(cosine(base, embedder.embedOne('the quick brown dog'))).toBeGreaterThan(0.5);
    // A paraphrase without shared words is not recognised: this embedder has no notion of meaning.
    expect(cosine(base, embedder.embedOne('a fast auburn vulpine'))).toBeLessThan(0.3);
  });

  it('sees word order through bigrams', () => {
    const a = embedder.embedOne('alice pays bob');
    const b = embedder.embedOne('bob pays alice');
    expect(cosine(a, b)).toBeLessThan(0.99);
    expect(cosine(a, b)).toBeGreaterThan(0.5);
  });

  it('embeds very short, punctuation-only and non-Latin text', () => {
    for (const text of ['ok', 'x', '!!!', '日本語のテキスト', 'émoji 🎉 text']) {
      const v = embedder.embedOne(text);
      expect(Math.sqrt(cosine(v, v))).toBeCloseTo(1, 5);
    }
    expect(cosine(embedder.embedOne('日本語'), embedder.embedOne('中文'))).toBeLessThan(0.9);
  });
});
