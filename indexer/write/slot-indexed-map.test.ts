import { describe, expect, it } from 'vitest';
import { SlotIndexedMap } from './slot-indexed-map.js';

interface Row {
  readonly id: string;
  readonly slot: string | null;
}

const keysIn = (map: SlotIndexedMap<string, Row>, after: bigint, upTo: bigint) =>
  [...map.inSlotRange(after, upTo)].map(([k]) => k);

describe('SlotIndexedMap', () => {
  it('yields only the rows of the slot range (after, upTo], by ascending slot', () => {
    const map = new SlotIndexedMap<string, Row>((r) => r.slot);
    for (const [id, slot] of [
      ['a', '7'],
      ['b', '5'],
      ['c', '6'],
      ['d', '9'],
      ['e', null],
    ] as const)
      map.set(id, { id, slot });
    expect(keysIn(map, 5n, 7n)).toEqual(['c', 'a']);
    expect(keysIn(map, -1n, 100n)).toEqual(['b', 'c', 'a', 'd']);
    expect(keysIn(map, 9n, 100n)).toEqual([]);
    expect(map.size).toBe(5); // a row without a slot is kept, just never in a range
  });

  it('moves a key when its row changes slot, and forgets deleted and cleared keys', () => {
    const map = new SlotIndexedMap<string, Row>((r) => r.slot);
    map.set('a', { id: 'a', slot: '3' });
    map.set('b', { id: 'b', slot: '3' });
    map.set('a', { id: 'a', slot: '8' });
    expect(keysIn(map, 2n, 3n)).toEqual(['b']);
    expect(keysIn(map, 7n, 8n)).toEqual(['a']);
    map.delete('b');
    expect(keysIn(map, 0n, 10n)).toEqual(['a']);
    map.clear();
    expect(keysIn(map, 0n, 10n)).toEqual([]);
    map.set('c', { id: 'c', slot: '4' });
    expect(keysIn(map, 3n, 4n)).toEqual(['c']);
  });

  it('lets the caller replace and delete rows while iterating a range', () => {
    const map = new SlotIndexedMap<string, Row>((r) => r.slot);
    for (let i = 0; i < 10; i++) map.set(`k${i}`, { id: `k${i}`, slot: String(i % 3) });
    for (const [k, v] of map.inSlotRange(-1n, 1n)) {
      if (v.slot === '0') map.delete(k);
      else map.set(k, { ...v, slot: '5' });
    }
    expect(keysIn(map, -1n, 1n)).toEqual([]);
    expect(keysIn(map, 4n, 5n).sort()).toEqual(['k1', 'k4', 'k7']);
    expect(map.size).toBe(6);
  });
});
