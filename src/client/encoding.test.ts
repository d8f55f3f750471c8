import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { fromBase64, publicKeyArg, toBase64, toHex } from './encoding.js';

describe('client encoding', () => {
  it('base64 round-trips every byte value and matches Node’s encoding', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it('hex is lower case, two digits per byte', () => {
    expect(toHex(Uint8Array.of(0, 10, 255))).toBe('000aff');
  });

  it('a public key argument is parsed, or refused with a UI error naming the field', () => {
    const key = Keypair.generate().publicKey.toBase58();
    expect(publicKeyArg('author', key).toBase58()).toBe(key);
    expect(() => publicKeyArg('author', 'not-a-key')).toThrow(/author must be a base58 public key/);
    let refused: unknown;
    try {
      publicKeyArg('author', '0OIl');
    } catch (err) {
      refused = err;
    }
    expect((refused as { code?: string } | undefined)?.code).toBe('CLIENT_UI');
  });
});
