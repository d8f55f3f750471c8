import { describe, expect, it } from 'vitest';
import { ALL_TAG, createApiCaches, threadTag } from './api-caches.js';

function caches() {
  const c = createApiCaches({ cacheTtlMs: 60_000, cacheEntries: 100 });
  if (!c) throw new Error('caches are on with a positive TTL');
  const fill = () => {
    for (const t of ['A', 'B']) c.coAuthors.set(t, [`${t}-author`], [threadTag(t)], c.coAuthors.ticket());
    c.search.set('everywhere', [], [ALL_TAG], c.search.ticket());
    c.search.set('in B', [], [threadTag('B')], c.search.ticket());
  };
  const held = () =>
    [
      c.coAuthors.get('A') && 'A',
      c.coAuthors.get('B') && 'B',
      c.search.get('everywhere') && 'everywhere',
      c.search.get('in B') && 'in B',
    ].filter(Boolean);
  return { c, fill, held };
}

describe('createApiCaches', () => {
  it('an event the hub delivers drops its thread and every unfiltered search', () => {
    const { c, fill, held } = caches();
    c.hubStartedAt(10n);
    fill();
    c.onEvent({ sequence: 11n, threadAddress: 'A' });
    expect(held()).toEqual(['B', 'in B']);
  });

  it('events a query hands out drop entries only when the hub has not passed them yet', () => {
    const { c, fill, held } = caches();
    c.hubStartedAt(10n);
    fill();
    // Older than the hub's start, or already passed by it: they changed nothing cached since.
    c.handingOut([{ sequence: 9n, threadAddress: 'A' }]);
    c.onEvent({ sequence: 11n, threadAddress: 'A' });
    fill();
    c.handingOut([{ sequence: 11n, threadAddress: 'A' }]);
    expect(held()).toEqual(['A', 'B', 'everywhere', 'in B']);
    // Ahead of the hub (committed, not read by it yet): the caller holds it, so what it changed goes now.
    c.handingOut([
      { sequence: 12n, threadAddress: 'B' },
      { sequence: 13n, threadAddress: 'B' },
    ]);
    expect(held()).toEqual(['A']);
  });

  it('a read that started before an event handed out ahead of the hub does not store what it read', () => {
    const { c } = caches();
    c.hubStartedAt(10n);
    const ticket = c.coAuthors.ticket();
    c.handingOut([{ sequence: 11n, threadAddress: 'A' }]);
    expect(c.coAuthors.set('A', ['old'], [threadTag('A')], ticket)).toBe(false);
  });
});
