import { describe, expect, it } from 'vitest';
import { isContentHash, messagePointId, sha256Hex, threadPointId, uuidFromHash } from '../../src/vector/point-id.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('point ids', () => {
  it('derive a version-8 UUID from the content hash, the same every time', () => {
    const hash = sha256Hex('hello');
    expect(hash).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(messagePointId(hash)).toBe('2cf24dba-5fb0-830e-a6e8-3b2ac5b9e29e');
    expect(messagePointId(hash)).toMatch(UUID_V8);
    expect(messagePointId(hash.toUpperCase())).toBe(messagePointId(hash));
  });

  it('give different contents and threads different ids', () => {
    const ids = new Set(['a', 'b', 'c'].map((c) => messagePointId(sha256Hex(c))));
    expect(ids.size).toBe(3);
    expect(threadPointId('T1')).toMatch(UUID_V8);
    expect(threadPointId('T1')).not.toBe(threadPointId('T2'));
    // A thread's point never collides with the message whose content is the thread id.
    expect(threadPointId('T1')).not.toBe(messagePointId(sha256Hex('T1')));
  });

  it('recognise content hashes', () => {
    expect(isContentHash(sha256Hex('x'))).toBe(true);
    expect(isContentHash(sha256Hex('x').toUpperCase())).toBe(false);
    expect(isContentHash('abc')).toBe(false);
    expect(uuidFromHash('f'.repeat(64))).toBe('ffffffff-ffff-8fff-bfff-ffffffffffff');
  });
});
