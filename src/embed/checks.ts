import { ChoirError } from '../errors/index.js';
import { assertContent } from './content.js';

/** Checks every text before any is embedded, so one bad text cannot leave a batch half-done. */
export function checkTexts(texts: readonly string[], maxContentBytes: number): void {
  if (!Array.isArray(texts)) throw new ChoirError('EMBEDDING_INVALID', 'texts must be a list of strings');
  texts.forEach((text, i) => {
    assertContent(text, maxContentBytes, `text ${i}`);
  });
}

/**
 * Checks what a model or endpoint returned: the right count, the configured dimension, finite components, and
 * normalises to unit length (so cosine similarity is a dot product everywhere).
 */
export function checkEmbeddings(vectors: ArrayLike<number>[], count: number, dimension: number, source: string) {
  if (vectors.length !== count) {
    throw new ChoirError('EMBEDDING_FAILED', `${source} returned ${vectors.length} vectors for ${count} texts`, {
      details: { expected: count, actual: vectors.length },
    });
  }
  return vectors.map((vector, i) => {
    if (vector.length !== dimension) {
      throw new ChoirError(
        'EMBEDDING_INVALID',
        `${source} returned a ${vector.length}-dimension vector but ${dimension} are configured: set EMBED_DIM=` +
          `${vector.length} and run \`choir rebuild-index\`, or use a model of ${dimension} dimensions`,
        { details: { expected: dimension, actual: vector.length, index: i } },
      );
    }
    const out = Float32Array.from(vector);
    let norm = 0;
    for (let j = 0; j < out.length; j++) {
      const x = out[j]!;
      if (!Number.isFinite(x)) {
        throw new ChoirError('EMBEDDING_INVALID', `${source} returned a vector with a non-finite component (${x})`, {
          details: { index: i, component: j },
        });
      }
      norm += x * x;
    }
    if (norm === 0) throw new ChoirError('EMBEDDING_INVALID', `${source} returned an all-zero vector`, { details: {} });
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < out.length; j++) out[j] = out[j]! * scale;
    return out;
  });
}
