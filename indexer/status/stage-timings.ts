/**
 * Where one indexer's time goes, per stage: decoding + enriching stream messages, the writer waiting for updates,
 * and inside each batch transaction reading stored rows (load), the pure apply, slot statuses, writing rows, undo
 * images, events and outbox work, and COMMIT. Kept per instance (two indexers in one process never mix their
 * figures): cumulative totals for benchmarks and `choir_indexer_stage_seconds{stage}`, a histogram observed once per
 * committed batch, on the registry the indexer was given.
 */
import { Histogram, type Registry } from 'prom-client';

export const STAGES = [
  'decode',
  'writer_wait',
  'load',
  'apply',
  'status',
  'rows',
  'undo',
  'events',
  'outbox',
  'cursor',
  'commit',
] as const;
export type Stage = (typeof STAGES)[number];

export class StageTimings {
  private readonly totalMs = new Map<Stage, number>(STAGES.map((s) => [s, 0]));
  private readonly batchMs = new Map<Stage, number>(STAGES.map((s) => [s, 0]));
  private readonly histogram: Histogram<'stage'> | undefined;

  constructor(registry?: Registry) {
    if (!registry) return;
    const name = 'choir_indexer_stage_seconds';
    const existing = registry.getSingleMetric(name) as Histogram<'stage'> | undefined;
    this.histogram =
      existing ??
      new Histogram({
        name,
        help: 'Seconds each indexer stage took per committed batch (decode and writer_wait: since the previous batch)',
        labelNames: ['stage'],
        buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      });
  }

  add(stage: Stage, ms: number): void {
    this.totalMs.set(stage, (this.totalMs.get(stage) ?? 0) + ms);
    this.batchMs.set(stage, (this.batchMs.get(stage) ?? 0) + ms);
  }

  /** Measures `fn` as `stage`. */
  async time<T>(stage: Stage, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - t);
    }
  }

  /** Closes a batch: its per-stage times go to the histogram and start again from zero. */
  batchCommitted(): void {
    for (const stage of STAGES) {
      const ms = this.batchMs.get(stage) ?? 0;
      this.histogram?.observe({ stage }, ms / 1000);
      this.batchMs.set(stage, 0);
    }
  }

  /** Cumulative seconds per stage since this indexer started. */
  totals(): Record<Stage, number> {
    return Object.fromEntries(STAGES.map((s) => [s, (this.totalMs.get(s) ?? 0) / 1000])) as Record<Stage, number>;
  }
}
