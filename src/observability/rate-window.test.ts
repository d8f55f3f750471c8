import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.js';

describe('RateWindow', () => {
  it('averages over the window, then decays to zero when nothing happens', () => {
    let t = 1_000_000;
    const rate = new RateWindow(10, () => t);
    expect(rate.perSecond()).toBe(0);
    for (let s = 0; s < 10; s++) {
      rate.add(100);
      t += 1000;
    }
    t -= 1000;
    expect(rate.perSecond()).toBe(100);
    t += 5_000;
    expect(rate.perSecond()).toBe(50); // five of the ten seconds are still in the window
    t += 10_000;
    expect(rate.perSecond()).toBe(0);
  });

  it('does not overstate a young window: two seconds of data count as two seconds', () => {
    let t = 0;
    const rate = new RateWindow(60, () => t);
    rate.add(10);
    t = 1500;
    rate.add(10);
    expect(rate.perSecond()).toBe(10);
  });
});
