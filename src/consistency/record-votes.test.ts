import { describe, expect, it } from 'vitest';
import { voteDifference, votesOnRecord } from './record-votes.js';

const [A, B, C] = [
  'A1111111111111111111111111111111',
  'B1111111111111111111111111111111',
  'C111111111111111111111111111111',
];

describe('votesOnRecord', () => {
  it('maps bit i of each bitmap to co-author i', () => {
    expect([...votesOnRecord({ approvals: 0b101, denials: 0b010 }, [A, B, C])]).toEqual([
      [A, true],
      [B, false],
      [C, true],
    ]);
  });

  it('ignores bits past the co-author list', () => {
    expect([...votesOnRecord({ approvals: 0b1000, denials: 0 }, [A, B])]).toEqual([]);
  });
});

describe('voteDifference', () => {
  it('is null for equal sets, in any order', () => {
    expect(
      voteDifference(
        new Map([
          [A, true],
          [B, false],
        ]),
        new Map([
          [B, false],
          [A, true],
        ]),
      ),
    ).toBeNull();
  });

  it('lists every difference', () => {
    expect(voteDifference(new Map([[A, true]]), new Map([[B, true]]))).toBe(
      `${A} approved on chain, no vote in Postgres; ${B} has a vote in Postgres and none on chain`,
    );
  });
});
