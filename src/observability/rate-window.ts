/**
 * A rate over a sliding window ("updates per second over the last minute") from counts reported as they happen.
 * Gauges read it at scrape time, so the figure decays to zero when nothing happens instead of keeping the last
 * batch's rate. Memory is bounded: counts are kept per second.
 */
export class RateWindow {
  /** [second, count] pairs, oldest first. */
  private readonly buckets: [number, number][] = [];

  constructor(
    private readonly windowSeconds = 60,
    private readonly now: () => number = Date.now,
  ) {}

  add(count = 1): void {
    const second = Math.floor(this.now() / 1000);
    const last = this.buckets.at(-1);
    if (last && last[0] === second) last[1] += count;
    else this.buckets.push([second, count]);
    this.prune(second);
  }

  /** Events per second over the window (or since the first event, when that is more recent). */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000);
    this.prune(second);
    const first = this.buckets[0];
    if (!first) return 0;
    const total = this.buckets.reduce((sum, [, n]) => sum + n, 0);
    return total / Math.max(1, Math.min(this.windowSeconds, second - first[0] + 1));
  }

  private prune(second: number) {
    while (this.buckets.length && (this.buckets[0] as [number, number])[0] <= second - this.windowSeconds) {
      this.buckets.shift();
    }
  }
}
