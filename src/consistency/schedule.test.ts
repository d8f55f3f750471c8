import { describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/logger.js';
import type { ReconcileSummary } from './run-all.js';
import { startReconcileSchedule } from './schedule.js';

const summary: ReconcileSummary = {
  dryRun: false,
  threads: 0,
  repairs: 0,
  unrepaired: 0,
  reports: [],
  failures: [],
  totalMs: 0,
};
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startReconcileSchedule', () => {
  it('runs after each healed gap, never two runs at once, and not on a timer when everyMs is 0', async () => {
    let gaps = 0;
    let active = 0;
    let overlapped = false;
    let calls = 0;
    const schedule = startReconcileSchedule({
      everyMs: 0,
      gapsHealed: () => gaps,
      pollMs: 5,
      logger: silentLogger,
      async run() {
        calls += 1;
        active += 1;
        if (active > 1) overlapped = true;
        await wait(40);
        active -= 1;
        return summary;
      },
    });
    await wait(50);
    expect(calls).toBe(0);
    gaps = 1;
    await wait(20);
    gaps = 2; // healed while the first run is still going: one more run afterwards
    await wait(150);
    await schedule.close();
    expect(calls).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('runs on its interval and keeps going after a failed run', async () => {
    let calls = 0;
    const schedule = startReconcileSchedule({
      everyMs: 20,
      gapsHealed: () => 0,
      pollMs: 5,
      logger: silentLogger,
      async run() {
        calls += 1;
        if (calls === 1) throw new Error('store down');
        return summary;
      },
    });
    await wait(120);
    await schedule.close();
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(schedule.runs()).toBe(calls);
  });
});
