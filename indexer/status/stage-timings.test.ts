import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { StageTimings } from './stage-timings.js';

describe('StageTimings', () => {
  it('keeps totals per instance and observes each batch once on the registry', async () => {
    const registry = new Registry();
    const a = new StageTimings(registry);
    const b = new StageTimings(registry); // a second indexer on the same registry shares the metric, not the totals
    a.add('decode', 1_500);
    await a.time('commit', () => new Promise((r) => setTimeout(r, 20)));
    a.batchCommitted();
    b.add('decode', 250);
    b.batchCommitted();
    expect(a.totals().decode).toBe(1.5);
    expect(a.totals().commit).toBeGreaterThanOrEqual(0.015);
    expect(b.totals().decode).toBe(0.25);
    expect(b.totals().commit).toBe(0);
    const text = await registry.metrics();
    expect(text).toMatch(/choir_indexer_stage_seconds_count\{stage="decode"\} 2/);
    expect(text).toMatch(/choir_indexer_stage_seconds_sum\{stage="decode"\} 1\.75/);
  });

  it('works without a registry (no metric, totals only)', () => {
    const t = new StageTimings();
    t.add('apply', 10);
    t.batchCommitted();
    expect(t.totals().apply).toBe(0.01);
  });
});
