import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache.js';

const cache = (o: Partial<ConstructorParameters<typeof ReadCache>[0]> = {}) =>
  new ReadCache<string>({ maxEntries: 100, ttlMs: 60_000, ...o });

describe('ReadCache', () => {
  it('serves what was stored until an event invalidates one of its tags', () => {
    const c = cache();
    c.set('t1', 'v1', ['thread:a'], c.ticket());
    c.set('t2', 'v2', ['thread:b'], c.ticket());
    expect(c.get('t1')).toBe('v1');
    c.invalidate(['thread:a']);
    expect(c.get('t1')).toBeUndefined();
    expect(c.get('t2')).toBe('v2');
  });

  it('refuses a value read before an invalidation of its tags (the read/event race)', () => {
    const c = cache();
    const ticket = c.ticket(); // a read starts
    c.invalidate(['thread:a']); // an event arrives while it reads
    expect(c.set('t1', 'old', ['thread:a'], ticket)).toBe(false);
    expect(c.get('t1')).toBeUndefined();
    // Unrelated tags are not affected by that event.
    expect(c.set('t2', 'v2', ['thread:b'], ticket)).toBe(true);
    // A read that started after the event stores.
    expect(c.set('t1', 'new', ['thread:a'], c.ticket())).toBe(true);
  });

  it('stays on the safe side for tags it no longer remembers', () => {
    const c = cache({ maxTags: 2 });
    const ticket = c.ticket();
    c.invalidate(['thread:a']);
    c.invalidate(['thread:b']);
    c.invalidate(['thread:c']); // thread:a is forgotten now
    expect(c.set('t1', 'old', ['thread:a'], ticket)).toBe(false);
    expect(c.set('t9', 'old', ['thread:never-seen'], ticket)).toBe(false);
  });

  it('expires entries after the TTL', () => {
    let now = 1_000;
    const c = cache({ ttlMs: 50, now: () => now });
    c.set('t1', 'v1', ['x'], c.ticket());
    now += 49;
    expect(c.get('t1')).toBe('v1');
    now += 1;
    expect(c.get('t1')).toBeUndefined();
  });

  it('drops the least recently used entry past maxEntries', () => {
    const c = cache({ maxEntries: 2 });
    c.set('a', '1', ['x'], c.ticket());
    c.set('b', '2', ['x'], c.ticket());
    c.get('a');
    c.set('c', '3', ['x'], c.ticket());
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual(['1', undefined, '3']);
    expect(c.size).toBe(2);
  });

  it('clear() drops everything and refuses reads in flight', () => {
    const c = cache();
    const ticket = c.ticket();
    c.set('a', '1', ['x'], ticket);
    c.clear();
    expect(c.get('a')).toBeUndefined();
    expect(c.set('a', '1', ['x'], ticket)).toBe(false);
  });

  it('counts hits and misses', () => {
    const c = cache();
    c.get('a');
    c.set('a', '1', ['x'], c.ticket());
    c.get('a');
    expect([c.hits, c.misses]).toEqual([1, 1]);
  });
});
