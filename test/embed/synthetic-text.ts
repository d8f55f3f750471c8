// Shared by bench/embed.ts and bench/vector-search.ts (kept under test/ so bench/ holds only runnable benchmarks).
/**
 * Deterministic synthetic text for benchmarks: pseudo-words of English-like letter and length frequencies, drawn
 * with a Zipf distribution (a few words very common, most rare), like natural language's word frequencies.
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** English letter frequencies (per mille), so pseudo-words have natural-looking character trigram statistics. */
const LETTERS = 'etaoinshrdlcumwfgypbvkjxqz';
const LETTER_WEIGHTS = [
  127, 91, 82, 75, 70, 67, 63, 61, 60, 43, 40, 28, 28, 24, 24, 22, 20, 20, 19, 15, 10, 8, 2, 2, 1, 1,
];
/** Word lengths 1..12 weighted like English running text (mean about 4.7 letters). */
const LENGTH_WEIGHTS = [30, 170, 210, 160, 110, 85, 75, 55, 40, 30, 20, 15];

function sampler(weights: readonly number[], random: () => number): () => number {
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let r = random() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  };
}

export class TextGenerator {
  private readonly words: string[];
  private readonly cumulative: Float64Array;
  private readonly random: () => number;

  constructor(seed = 1, vocabulary = 20_000) {
    this.random = seededRandom(seed);
    const wordRandom = seededRandom(seed ^ 0x5bd1e995);
    const letter = sampler(LETTER_WEIGHTS, wordRandom);
    const length = sampler(LENGTH_WEIGHTS, wordRandom);
    const seen = new Set<string>();
    this.words = [];
    while (this.words.length < vocabulary) {
      let word = '';
      const letters = 1 + length();
      for (let i = 0; i < letters; i++) word += LETTERS[letter()];
      if (!seen.has(word)) {
        seen.add(word);
        // Short words are the frequent ones in natural language: keep the vocabulary roughly sorted by length.
        this.words.push(word);
      }
    }
    this.words.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    this.cumulative = new Float64Array(vocabulary);
    let total = 0;
    for (let i = 0; i < vocabulary; i++) {
      total += 1 / (i + 1) ** 1.07;
      this.cumulative[i] = total;
    }
    for (let i = 0; i < vocabulary; i++) this.cumulative[i]! /= total;
  }

  word(): string {
    const r = this.random();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }

  /**
   * A topic: words of the less common part of the vocabulary that a thread's messages keep coming back to.
   * Without topics the texts would be unrelated random draws, which no real conversation is.
   */
  topic(size = 40): string[] {
    const words: string[] = [];
    const start = Math.floor(this.words.length * 0.05);
    for (let i = 0; i < size; i++) words.push(this.words[start + this.int(this.words.length - start)]!);
    return words;
  }

  /** A sentence-like text of exactly `count` words, with some punctuation; about `topicShare` of them on topic. */
  text(count: number, topic?: readonly string[], topicShare = 0.3): string {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      let w = topic && topic.length > 0 && this.random() < topicShare ? topic[this.int(topic.length)]! : this.word();
      if (i === 0) w = w[0]!.toUpperCase() + w.slice(1);
      parts.push(i > 0 && i % 12 === 11 ? `${w}.` : w);
    }
    return `${parts.join(' ')}.`;
  }

  int(below: number): number {
    return Math.floor(this.random() * below);
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export interface Goal {
  name: string;
  target: string;
  value: number;
  pass: boolean;
}

export function printResult(bench: string, figures: Record<string, unknown>, goals: Goal[]): void {
  for (const g of goals) {
    console.log(`goal ${g.name}: ${g.value} (target ${g.target}) ${g.pass ? 'PASS' : 'FAIL'}`);
  }
  console.log(`RESULT ${JSON.stringify({ bench, figures, goals, pass: goals.every((g) => g.pass) })}`);
}
