import { Keypair } from '@solana/web3.js';
import bs58 from 'bs58';
import { describe, expect, it } from 'vitest';
import { parseAddress, parseSignature } from './verify.js';

describe('parseAddress / parseSignature', () => {
  it('accept base58 of the right length', () => {
    const key = Keypair.generate().publicKey;
    expect(parseAddress('thread', key.toBase58()).equals(key)).toBe(true);
    const signature = new Uint8Array(64).fill(7);
    expect(parseSignature(bs58.encode(signature))).toEqual(signature);
  });

  it('refuse wrong lengths and non-base58 with BAD_USER_INPUT', () => {
    expect(() => parseAddress('thread', bs58.encode(new Uint8Array(31).fill(1)))).toThrow(/32-byte address/);
    expect(() => parseAddress('thread', '0OIl')).toThrow(/32-byte address/);
    expect(() => parseSignature(bs58.encode(new Uint8Array(32).fill(1)))).toThrow(/64-byte/);
  });

  it('refuse a huge text at once, without decoding it (base58 decoding is quadratic)', () => {
    // Decoding 200,000 characters would take well over a minute: without the length check this test times out.
    const huge = '2'.repeat(200_000);
    expect(() => parseAddress('thread', huge)).toThrow(/32-byte address/);
    expect(() => parseSignature(huge)).toThrow(/64-byte/);
  });
});
