/**
 * How many ready updates the writer takes next. A fixed `batchMax` is a trade: big batches amortise the per-batch
 * round trips, but a backlog (a replay after a restart, a burst) then makes one transaction of up to `batchMax`
 * updates, and its commit takes seconds (the 200,000-update bench measured a p99 of 3.1 s at 20,000 per batch).
 * The sizer keeps each batch near a time budget instead: it learns the writer's cost per update from recent
 * batches and takes as many updates as fit in `targetMs`, never more than `batchMax` nor fewer than `minSize`.
 *
 * Only batches of at least `minSize` updates teach it: a batch of a few updates costs mostly its fixed round trips,
 * and would make the per-update estimate (and so the next batch) far too small.
 */
export interface BatchSizerOptions {
  /** Upper bound (INDEXER_BATCH_MAX). */
  readonly batchMax: number;
  /** Time budget of one batch's write + commit, in ms (INDEXER_BATCH_TARGET_MS); 0 turns sizing off. */
  readonly targetMs: number;
  /** Lower bound, and the smallest batch that updates the estimate. */
  readonly minSize?: number;
}

/** Weight of the newest batch in the moving estimate: reacts within a few batches, ignores one slow outlier. */
const ALPHA = 0.3;
/** The first batch's size, before the writer's cost is known. */
const FIRST_BATCH = 1_000;

export class BatchSizer {
  private readonly batchMax: number;
  private readonly targetMs: number;
  private readonly minSize: number;
  /** Moving estimate of the write cost of one update, ms; null until a batch big enough has been measured. */
  private msPerUpdate: number | null = null;

  constructor(o: BatchSizerOptions) {
    this.batchMax = o.batchMax;
    this.targetMs = o.targetMs;
    this.minSize = Math.min(o.minSize ?? 200, o.batchMax);
  }

  /** The most updates the next batch should hold. */
  get size(): number {
    if (this.targetMs <= 0) return this.batchMax;
    // Before any measurement: a modest first batch (a restart with a backlog must not start with a huge one).
    if (this.msPerUpdate === null) return Math.min(this.batchMax, FIRST_BATCH);
    const fits = Math.floor(this.targetMs / this.msPerUpdate);
    return Math.max(this.minSize, Math.min(this.batchMax, fits));
  }

  /** Records a committed batch: `applied` updates written and committed in `seconds`. */
  observe(applied: number, seconds: number): void {
    if (applied < this.minSize || !(seconds >= 0)) return;
    const cost = (seconds * 1000) / applied;
    this.msPerUpdate = this.msPerUpdate === null ? cost : ALPHA * cost + (1 - ALPHA) * this.msPerUpdate;
  }
}
