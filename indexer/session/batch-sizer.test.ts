import { describe, expect, it } from 'vitest';
import { BatchSizer } from './batch-sizer.js';

describe('BatchSizer', () => {
  it('starts with a modest batch, then sizes batches to the time budget', () => {
    const sizer = new BatchSizer({ batchMax: 20_000, targetMs: 250 });
    expect(sizer.size).toBe(1_000);
    // 1,000 updates in 100 ms: 0.1 ms each, so 2,500 fit in 250 ms.
    sizer.observe(1_000, 0.1);
    expect(sizer.size).toBe(2_500);
  });

  it('shrinks after slow batches and never leaves [minSize, batchMax]', () => {
    const sizer = new BatchSizer({ batchMax: 5_000, targetMs: 250, minSize: 200 });
    sizer.observe(1_000, 0.01); // 0.01 ms per update: 25,000 would fit, capped at batchMax
    expect(sizer.size).toBe(5_000);
    for (let i = 0; i < 20; i += 1) sizer.observe(5_000, 50); // 10 ms per update: 25 would fit
    expect(sizer.size).toBe(200);
  });

  it('moves gradually: one slow batch does not collapse the size', () => {
    const sizer = new BatchSizer({ batchMax: 20_000, targetMs: 250 });
    sizer.observe(2_000, 0.2); // 0.1 ms per update → 2,500
    sizer.observe(2_000, 2); // one batch 10× slower
    expect(sizer.size).toBeGreaterThan(500);
    expect(sizer.size).toBeLessThan(2_500);
  });

  it('ignores batches too small to measure the per-update cost', () => {
    const sizer = new BatchSizer({ batchMax: 20_000, targetMs: 250, minSize: 200 });
    sizer.observe(3, 0.02); // mostly round trips: 6.7 ms "per update"
    expect(sizer.size).toBe(1_000);
  });

  it('with a zero budget always allows batchMax', () => {
    const sizer = new BatchSizer({ batchMax: 20_000, targetMs: 0 });
    sizer.observe(20_000, 5);
    expect(sizer.size).toBe(20_000);
  });
});
