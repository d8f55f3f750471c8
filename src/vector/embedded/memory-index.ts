import type { Condition } from '../filter.js';
import type { PointPayload } from '../types.js';

/** The payload fields a filter can test, as the memory index keeps them. */
export type IndexedPayload = Pick<
  PointPayload,
  'message_address' | 'content_hash' | 'thread_id' | 'author' | 'co_authors' | 'status' | 'kind' | 'created_at'
>;

/** Interns strings to small integers, so per-point keyword fields are Int32Array cells. */
class Dictionary {
  private readonly codes = new Map<string, number>();
  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.codes.size;
      this.codes.set(value, code);
    }
    return code;
  }
  lookup(value: string): number | undefined {
    return this.codes.get(value);
  }
}

/** Points scored together: their accumulators (8 bytes each) stay in the L1 cache. */
const BLOCK = 2_048;

type KeywordColumn = 'thread_id' | 'author' | 'status' | 'kind';
const KEYWORD_COLUMNS: readonly KeywordColumn[] = ['thread_id', 'author', 'status', 'kind'];

/**
 * An in-memory copy of one collection's vectors (int8, one scale per vector) and filterable payload, next to PGlite,
 * which stays the durable store. It finds candidates for a query by an exhaustive scan — no graph, so no missed
 * neighbours — and the store re-ranks them with the exact float distance in SQL.
 *
 * Layout: dimension-major ("column") int8 codes, `codes[d * capacity + slot]`, so a query only reads the dimensions
 * where it is non-zero, each as one contiguous run over all points. Short texts embedded by the hashing embedder
 * touch a few dozen of 384 dimensions, which makes their scan ~6x cheaper than a dense one.
 *
 * Slots are dense: deleting a point moves the last point into its slot.
 */
export class MemoryIndex {
  private capacity = 0;
  private size = 0;
  private codes = new Int8Array(0);
  /** Per slot: the factor that turns int8 codes back into the unit vector's components. */
  private scales = new Float32Array(0);
  private createdAt = new Float64Array(0);
  private readonly keywords: Record<KeywordColumn, Int32Array> = {
    thread_id: new Int32Array(0),
    author: new Int32Array(0),
    status: new Int32Array(0),
    kind: new Int32Array(0),
  };
  private ids: string[] = [];
  private hashes: string[] = [];
  /** Message addresses by slot: unique per point, so kept as strings like the hashes, not interned. */
  private addresses: string[] = [];
  private coAuthors: number[][] = [];
  private readonly slots = new Map<string, number>();
  private readonly dictionary = new Dictionary();
  private scores = new Float32Array(0);
  private matches = new Int32Array(0);
  private readonly acc = new Float64Array(BLOCK);

  /** How long loading it from PGlite took (0 for an index built by writes alone). */
  loadMs = 0;

  constructor(readonly dimension: number) {}

  get count(): number {
    return this.size;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /**
   * Approximate bytes held: typed arrays (codes, scale, time, keyword cells, score) by capacity, plus per point an id
   * string (~56 bytes), a content hash string (~80), a message address string (~60), a co-author array (~40) and a
   * map entry (~40).
   */
  get bytes(): number {
    return this.capacity * (this.dimension + 4 + 8 + 4 * 4 + 4) + this.size * 276;
  }

  private grow(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, Math.ceil(this.capacity * 1.5), 1_024);
    const codes = new Int8Array(capacity * this.dimension);
    for (let d = 0; d < this.dimension; d++) {
      codes.set(this.codes.subarray(d * this.capacity, d * this.capacity + this.size), d * capacity);
    }
    this.codes = codes;
    const copy = <T extends Float32Array | Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from.subarray(0, this.size));
      return to;
    };
    this.scales = copy(this.scales, new Float32Array(capacity));
    this.createdAt = copy(this.createdAt, new Float64Array(capacity));
    for (const column of KEYWORD_COLUMNS) this.keywords[column] = copy(this.keywords[column], new Int32Array(capacity));
    this.capacity = capacity;
  }

  /** Adds a point or replaces the one with the same id. */
  set(id: string, vector: ArrayLike<number>, payload: IndexedPayload): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      this.grow(this.size + 1);
      slot = this.size++;
      this.slots.set(id, slot);
      this.ids[slot] = id;
    }
    let norm = 0;
    let max = 0;
    for (let d = 0; d < this.dimension; d++) {
      const v = vector[d]!;
      norm += v * v;
      const a = Math.abs(v);
      if (a > max) max = a;
    }
    norm = Math.sqrt(norm);
    // Scale so the largest component is ±127; the stored scale also divides by the norm (cosine = dot of units).
    const toCode = max > 0 ? 127 / max : 0;
    for (let d = 0; d < this.dimension; d++) {
      this.codes[d * this.capacity + slot] = Math.round(vector[d]! * toCode);
    }
    this.scales[slot] = max > 0 && norm > 0 ? max / 127 / norm : 0;
    this.setPayload(id, payload);
  }

  /** Replaces the filterable payload of a stored point (no-op for an unknown id). */
  setPayload(id: string, payload: Partial<IndexedPayload>): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    for (const column of KEYWORD_COLUMNS) {
      const value = payload[column];
      if (value !== undefined) this.keywords[column][slot] = this.dictionary.code(value);
    }
    if (payload.created_at !== undefined) this.createdAt[slot] = payload.created_at;
    if (payload.content_hash !== undefined) this.hashes[slot] = payload.content_hash;
    if (payload.message_address !== undefined) this.addresses[slot] = payload.message_address;
    if (payload.co_authors !== undefined) this.coAuthors[slot] = payload.co_authors.map((a) => this.dictionary.code(a));
  }

  delete(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    const last = this.size - 1;
    this.slots.delete(id);
    if (slot !== last) {
      for (let d = 0; d < this.dimension; d++) {
        const base = d * this.capacity;
        this.codes[base + slot] = this.codes[base + last]!;
      }
      this.scales[slot] = this.scales[last]!;
      this.createdAt[slot] = this.createdAt[last]!;
      for (const column of KEYWORD_COLUMNS) this.keywords[column][slot] = this.keywords[column][last]!;
      const moved = this.ids[last]!;
      this.ids[slot] = moved;
      this.hashes[slot] = this.hashes[last]!;
      this.addresses[slot] = this.addresses[last]!;
      this.coAuthors[slot] = this.coAuthors[last]!;
      this.slots.set(moved, slot);
    }
    this.ids.length = last;
    this.hashes.length = last;
    this.addresses.length = last;
    this.coAuthors.length = last;
    this.size = last;
  }

  /** Slots passing all conditions, or undefined when there are no conditions (all slots pass). */
  private matching(conditions: readonly Condition[]): Int32Array | undefined {
    if (conditions.length === 0) return undefined;
    const tests: ((slot: number) => boolean)[] = [];
    for (const c of conditions) {
      if (c.kind === 'range') {
        const { gt, gte, lt, lte } = c.range;
        const at = this.createdAt;
        tests.push(
          (s) =>
            (gt === undefined || at[s]! > gt) &&
            (gte === undefined || at[s]! >= gte) &&
            (lt === undefined || at[s]! < lt) &&
            (lte === undefined || at[s]! <= lte),
        );
      } else if (c.key === 'content_hash' || c.key === 'message_address') {
        const wanted = new Set(c.values);
        const column = c.key === 'content_hash' ? this.hashes : this.addresses;
        tests.push((s) => wanted.has(column[s]!));
      } else {
        const codes = new Set<number>();
        for (const v of c.values) {
          const code = this.dictionary.lookup(v);
          if (code !== undefined) codes.add(code);
        }
        if (codes.size === 0) return new Int32Array(0);
        if (c.key === 'co_authors') {
          tests.push((s) => this.coAuthors[s]!.some((a) => codes.has(a)));
        } else {
          const column = this.keywords[c.key];
          if (codes.size === 1) {
            const [only] = codes;
            tests.push((s) => column[s] === only);
          } else {
            tests.push((s) => codes.has(column[s]!));
          }
        }
      }
    }
    // Reused between queries: allocating 4 bytes per point each time only feeds the garbage collector.
    if (this.matches.length < this.size) this.matches = new Int32Array(this.capacity);
    const out = this.matches;
    let n = 0;
    for (let s = 0; s < this.size; s++) {
      let ok = true;
      for (const test of tests) {
        if (!test(s)) {
          ok = false;
          break;
        }
      }
      if (ok) out[n++] = s;
    }
    return out.subarray(0, n);
  }

  /**
   * The ids of the `k` points (passing the filter) with the highest approximate cosine similarity to `vector`, best
   * first. Exhaustive: every point is scored; only the int8 rounding makes it approximate, so the caller re-ranks a
   * candidate list a few times longer than it needs with exact distances.
   */
  search(vector: ArrayLike<number>, k: number, conditions: readonly Condition[]): string[] {
    const dims: number[] = [];
    const weights: number[] = [];
    for (let d = 0; d < this.dimension; d++) {
      const v = vector[d]!;
      if (v !== 0) {
        dims.push(d);
        weights.push(v);
      }
    }
    const subset = this.matching(conditions);
    const n = this.size;
    const codes = this.codes;
    const cap = this.capacity;
    if (this.scores.length < this.capacity) this.scores = new Float32Array(this.capacity);
    const acc = this.acc;
    const scores = this.scores;
    if (subset === undefined || subset.length * 8 > n) {
      // Dense pass: one contiguous run per non-zero query dimension.
      // Blocks of BLOCK points keep the accumulators in the L1 cache across the query's dimensions.
      for (let from = 0; from < n; from += BLOCK) {
        const to = Math.min(n, from + BLOCK);
        const len = to - from;
        acc.fill(0, 0, len);
        let j = 0;
        // Four dimensions per pass: a quarter of the accumulator loads and stores.
        for (; j + 4 <= dims.length; j += 4) {
          const w0 = weights[j]!;
          const w1 = weights[j + 1]!;
          const w2 = weights[j + 2]!;
          const w3 = weights[j + 3]!;
          const b0 = dims[j]! * cap + from;
          const b1 = dims[j + 1]! * cap + from;
          const b2 = dims[j + 2]! * cap + from;
          const b3 = dims[j + 3]! * cap + from;
          for (let i = 0; i < len; i++) {
            acc[i]! += w0 * codes[b0 + i]! + w1 * codes[b1 + i]! + w2 * codes[b2 + i]! + w3 * codes[b3 + i]!;
          }
        }
        for (; j < dims.length; j++) {
          const w = weights[j]!;
          const base = dims[j]! * cap + from;
          for (let i = 0; i < len; i++) acc[i]! += w * codes[base + i]!;
        }
        for (let i = 0; i < len; i++) scores[from + i] = acc[i]! * this.scales[from + i]!;
      }
    } else {
      // Selective filter: score only the matching points.
      for (let i = 0; i < subset.length; i++) {
        const s = subset[i]!;
        let sum = 0;
        for (let j = 0; j < dims.length; j++) sum += weights[j]! * codes[dims[j]! * cap + s]!;
        scores[s] = sum * this.scales[s]!;
      }
    }
    return this.topK(scores, k, subset).map((s) => this.ids[s]!);
  }

  /** Top-k slots by score (over `slots`, or all), best first: a binary min-heap of size k. */
  private topK(scores: Float32Array, k: number, slots: Int32Array | undefined): number[] {
    const total = slots ? slots.length : this.size;
    const size = Math.min(k, total);
    if (size === 0) return [];
    const heap = new Int32Array(size);
    let filled = 0;
    const less = (a: number, b: number) => scores[a]! < scores[b]!;
    const siftDown = (from: number) => {
      let i = from;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < filled && less(heap[l]!, heap[m]!)) m = l;
        if (r < filled && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        const t = heap[i]!;
        heap[i] = heap[m]!;
        heap[m] = t;
        i = m;
      }
    };
    for (let i = 0; i < total; i++) {
      const s = slots ? slots[i]! : i;
      if (filled < size) {
        let c = filled++;
        heap[c] = s;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!less(heap[c]!, heap[p]!)) break;
          const t = heap[c]!;
          heap[c] = heap[p]!;
          heap[p] = t;
          c = p;
        }
      } else if (scores[s]! > scores[heap[0]!]!) {
        heap[0] = s;
        siftDown(0);
      }
    }
    return Array.from(heap).sort((a, b) => scores[b]! - scores[a]!);
  }
}
