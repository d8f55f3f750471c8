import { checkTexts } from './checks.js';
import { DEFAULT_MAX_CONTENT_BYTES } from './content.js';
import type { Embedder } from './types.js';

/** Bump when the features or weights change: the model id changes with it, so stored vectors get rebuilt. */
const ALGORITHM_VERSION = 1;

const UNIGRAM_SEED = 0x9e3779b1;
const BIGRAM_SEED = 0x85ebca77;
const TRIGRAM_SEED = 0xc2b2ae3d;
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.7;
const TRIGRAM_WEIGHT = 0.35;

/** murmur3's finaliser: spreads every input bit over the whole word. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Letters and digits (any script) form words; everything else separates them. */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  // Outside ASCII: treat everything but Unicode spaces and general punctuation as part of a word.
  return !(c === 0xa0 || (c >= 0x2000 && c <= 0x206f) || c === 0x3000 || (c >= 0x3001 && c <= 0x303f));
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x3000;
}

/**
 * Signed feature hashing ("the hashing trick"): word unigrams, word bigrams and character trigrams are hashed into
 * `dimension` buckets with a hashed ±1 sign (so collisions cancel instead of piling up), then L2-normalised.
 * Deterministic, offline and fast. It is LEXICAL, not semantic: texts that share words and spellings score high;
 * synonyms and paraphrases with different words do not.
 */
export class HashingEmbedder implements Embedder {
  readonly kind = 'hashing' as const;
  readonly modelId: string;

  constructor(
    readonly dimension = 384,
    private readonly maxContentBytes = DEFAULT_MAX_CONTENT_BYTES,
  ) {
    if (!Number.isInteger(dimension) || dimension < 8) throw new RangeError('dimension must be an integer ≥ 8');
    this.modelId = `hashing-v${ALGORITHM_VERSION}-d${dimension}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    checkTexts(texts, this.maxContentBytes);
    return texts.map((text) => this.embedOne(text));
  }

  /** Synchronous core, for callers (benchmarks) that do not want a promise per text. */
  embedOne(text: string): Float32Array {
    const dim = this.dimension;
    const out = new Float32Array(dim);
    const add = (hash: number, weight: number) => {
      const h = fmix(hash);
      // Low bits pick the bucket; the top bit picks the sign.
      const bucket = h % dim;
      out[bucket] = out[bucket]! + (h & 0x80000000 ? -weight : weight);
    };
    const lower = text.toLowerCase();
    const n = lower.length;

    // Words: FNV-1a over each run of word characters; unigram and bigram features.
    let prev = 0;
    let havePrev = false;
    let i = 0;
    while (i < n) {
      while (i < n && !isWordChar(lower.charCodeAt(i))) i++;
      if (i >= n) break;
      let h = 0x811c9dc5;
      while (i < n) {
        const c = lower.charCodeAt(i);
        if (!isWordChar(c)) break;
        h = Math.imul(h ^ c, 0x01000193);
        i++;
      }
      add(h ^ UNIGRAM_SEED, UNIGRAM_WEIGHT);
      if (havePrev) add(Math.imul(prev, 0x27d4eb2f) ^ h ^ BIGRAM_SEED, BIGRAM_WEIGHT);
      prev = h;
      havePrev = true;
    }

    // Character trigrams over the text with whitespace runs collapsed to one space and padded by a space at each
    // end, so even "ok" or "!!!" has features.
    let a = 32;
    let b = -1;
    let lastWasSpace = true;
    const trigram = (c: number) => {
      if (b >= 0) {
        const h = Math.imul(a, 0x01000193) ^ Math.imul(b, 0x000193f1) ^ Math.imul(c, 0x3c6ef372);
        add(h ^ TRIGRAM_SEED, TRIGRAM_WEIGHT);
      }
      a = b < 0 ? a : b;
      b = c;
    };
    for (let j = 0; j < n; j++) {
      let c = lower.charCodeAt(j);
      if (isSpace(c)) {
        if (lastWasSpace) continue;
        c = 32;
        lastWasSpace = true;
      } else {
        lastWasSpace = false;
      }
      trigram(c);
    }
    if (!lastWasSpace) trigram(32);

    let norm = 0;
    for (let k = 0; k < dim; k++) norm += out[k]! * out[k]!;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let k = 0; k < dim; k++) out[k] = out[k]! * scale;
    } else {
      // All features cancelled out (vanishingly rare): fall back to one deterministic bucket.
      out[fmix(n) % dim] = 1;
    }
    return out;
  }

  async close(): Promise<void> {}
}
