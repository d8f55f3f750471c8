// Shared by bench/embed.ts and bench/vector-search.ts (kept under test/ so bench/ holds only runnable benchmarks).
/**
 * Deterministic synthetic text for benchmarks: pseudo-words built from syllables, drawn with a Zipf-like
 * distribution (a few words very common, most rare), like natural language's word frequencies.
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

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'sor',
  'tha',
  'vel',
  'qui',
  'dra',
  'po',
  'lin',
  'gar',
  'ust',
  'ber',
  'chi',
  'fen',
];

export class TextGenerator {
  private readonly words: string[];
  private readonly cumulative: Float64Array;
  private readonly random: () => number;

  constructor(seed = 1, vocabulary = 8_000) {
    this.random = seededRandom(seed);
    const wordRandom = seededRandom(seed ^ 0x5bd1e995);
    const seen = new Set<string>();
    this.words = [];
    while (this.words.length < vocabulary) {
      const syllables = 1 + Math.floor(wordRandom() * 3.5);
      let word = '';
      for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(wordRandom() * SYLLABLES.length)];
      if (!seen.has(word)) {
        seen.add(word);
        this.words.push(word);
      } else if (seen.size > vocabulary * 0.9) {
        this.words.push(`${word}${this.words.length}`);
      }
    }
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

  /** A sentence-like text of exactly `count` words, with some punctuation. */
  text(count: number): string {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      let w = this.word();
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
