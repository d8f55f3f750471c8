import { describe, expect, it } from 'vitest';
import type { MessageEntry } from './types.js';
import { byCreation, phaseOf } from './view.js';

const base = { closed: false, reloading: false, hasThread: true, reloads: 0, streamDown: false };

describe('phaseOf', () => {
  it('ranks closed over reloading over a dropped stream over the thread being known', () => {
    expect(phaseOf({ ...base, closed: true, reloading: true, streamDown: true })).toBe('closed');
    expect(phaseOf({ ...base, reloading: true, streamDown: true })).toBe('reloading');
    expect(phaseOf({ ...base, streamDown: true })).toBe('reconnecting');
    expect(phaseOf(base)).toBe('live');
    expect(phaseOf({ ...base, hasThread: false })).toBe('missing');
  });

  it('the first load is loading; a reload of an unknown thread after that is reloading', () => {
    expect(phaseOf({ ...base, hasThread: false, reloading: true })).toBe('loading');
    expect(phaseOf({ ...base, hasThread: false, reloading: true, reloads: 1 })).toBe('reloading');
  });
});

describe('byCreation', () => {
  const m = (address: string, createdAt: string) => ({ address, createdAt }) as MessageEntry;
  it('orders by creation time, then by address', () => {
    const list = [m('b', '2026-01-02'), m('c', '2026-01-01'), m('a', '2026-01-02')];
    expect(list.sort(byCreation).map((x) => x.address)).toEqual(['c', 'a', 'b']);
  });
});
