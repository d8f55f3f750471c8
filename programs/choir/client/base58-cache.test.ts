import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { describe, expect, it } from 'vitest';
import { Base58Cache } from './base58-cache.js';

describe('Base58Cache', () => {
  it('encodes exactly as bs58, whether the key is cached or not', () => {
    const cache = new Base58Cache(8);
    const keys = Array.from({ length: 40 }, (_, i) =>
      i % 3 === 0 ? new Uint8Array(32) : randomBytes(i % 2 ? 32 : 64),
    );
    keys.push(Uint8Array.of(0, 0, 1), new Uint8Array(0));
    for (let round = 0; round < 3; round++) {
      for (const k of keys) expect(cache.encode(k)).toBe(bs58.encode(k));
    }
  });

  it('keys by content, not by buffer: views into one buffer at different offsets differ', () => {
    const cache = new Base58Cache();
    const buf = randomBytes(96);
    const a = buf.subarray(0, 32);
    const b = buf.subarray(32, 64);
    expect(cache.encode(a)).toBe(bs58.encode(a));
    expect(cache.encode(b)).toBe(bs58.encode(b));
    expect(cache.encode(Uint8Array.from(a))).toBe(bs58.encode(a));
  });

  it('stays bounded and keeps the keys in use', () => {
    const cache = new Base58Cache(100);
    const hot = randomBytes(32);
    const hotText = bs58.encode(hot);
    for (let i = 0; i < 10_000; i++) {
      cache.encode(randomBytes(32));
      if (i % 50 === 0) expect(cache.encode(hot)).toBe(hotText);
    }
    expect(cache.size).toBeLessThanOrEqual(200);
  });
});
