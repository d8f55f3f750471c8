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

/** murmur3's finaliser: spreads every input bit over the whole word. Returns a signed int32. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Adds one hashed feature: the low 30 bits pick the bucket (kept within V8's small-integer range, which is much
 * faster than unsigned 32-bit arithmetic), the sign bit picks + or −.
 */
function addFeature(out: Float32Array, dim: number, hash: number, weight: number): void {
  const h = fmix(hash);
  const bucket = (h & 0x3fffffff) % dim;
  out[bucket] = out[bucket]! + (h < 0 ? -weight : weight);
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
    const lower = text.toLowerCase();
    const n = lower.length;

    // One pass. Words: FNV-1a over each run of word characters, giving unigram and bigram features. Character
    // trigrams: over the text with whitespace runs collapsed to one space, padded with a space at each end, so
    // even "ok" or "!!!" has features.
    let word = 0x811c9dc5;
    let inWord = false;
    let prevWord = 0;
    let havePrevWord = false;
    let a = 32; // the two previous characters of the trigram window
    let b = -1;
    let lastWasSpace = true;
    for (let i = 0; i <= n; i++) {
      // A virtual space after the end closes the last word and the last trigram.
      let c = i < n ? lower.charCodeAt(i) : 32;
      if (isWordChar(c)) {
        word = Math.imul(word ^ c, 0x01000193);
        inWord = true;
      } else if (inWord) {
        addFeature(out, dim, word ^ UNIGRAM_SEED, UNIGRAM_WEIGHT);
        if (havePrevWord) addFeature(out, dim, Math.imul(prevWord, 0x27d4eb2f) ^ word ^ BIGRAM_SEED, BIGRAM_WEIGHT);
        prevWord = word;
        havePrevWord = true;
        word = 0x811c9dc5;
        inWord = false;
      }
      if (isSpace(c)) {
        if (lastWasSpace) continue;
        c = 32;
        lastWasSpace = true;
      } else {
        lastWasSpace = false;
      }
      if (b >= 0) {
        const h = Math.imul(a, 0x01000193) ^ Math.imul(b, 0x000193f1) ^ Math.imul(c, 0x3c6ef372);
        addFeature(out, dim, h ^ TRIGRAM_SEED, TRIGRAM_WEIGHT);
        a = b;
      }
      b = c;
    }

    let norm = 0;
    for (let k = 0; k < dim; k++) norm += out[k]! * out[k]!;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let k = 0; k < dim; k++) out[k] = out[k]! * scale;
    } else {
      // All features cancelled out (vanishingly rare): fall back to one deterministic bucket.
      out[(fmix(n) & 0x3fffffff) % dim] = 1;
    }
    return out;
  }

  async close(): Promise<void> {}
}
