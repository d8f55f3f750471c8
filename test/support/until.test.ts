import { describe, expect, it } from 'vitest';
import { until } from './until.js';

describe('until', () => {
  it('returns the first value the probe gives, skipping undefined, null and false', async () => {
    const answers = [undefined, null, false, 0, 7];
    let calls = 0;
    expect(await until('a value', () => answers[calls++], 1_000, 1)).toBe(0);
    expect(calls).toBe(4);
  });

  it('awaits async probes and fails after the timeout, naming what it waited for', async () => {
    await expect(until('the moon', async () => false, 30, 5)).rejects.toThrow('timed out waiting for the moon');
  });
});
