import { describe, expect, it } from 'vitest';
import { countOrEstimate } from './estimate.js';
import type { Sql } from './records.js';

const withEstimate = (n: number): Sql => ({ query: async () => ({ rows: [{ n: String(n) }] as never[] }) });

describe('totalCount of a whole table', () => {
  it('answers with the estimate above the threshold, without counting', async () => {
    let counted = false;
    const exact = async () => {
      counted = true;
      return 1;
    };
    expect(await countOrEstimate(withEstimate(2_500_000), 'events', exact)).toBe(2_500_000);
    expect(counted).toBe(false);
  });

  it('counts exactly below it, and when the table was never analyzed (-1)', async () => {
    expect(await countOrEstimate(withEstimate(99_999), 'messages', async () => 42)).toBe(42);
    expect(await countOrEstimate(withEstimate(-1), 'threads', async () => 7)).toBe(7);
  });
});
