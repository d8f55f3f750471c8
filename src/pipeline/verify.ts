/**
 * Input checks of the write path, in the order the API promises: shapes first (BAD_USER_INPUT naming the field),
 * then the signature (SIGNATURE_INVALID), all before any state is read or written.
 */
import { createPublicKey, verify } from 'node:crypto';
import { PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import { ChoirError } from '../errors/index.js';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const HEX64 = /^[0-9a-f]{64}$/i;

/**
 * The longest base58 text of 32 and 64 bytes. Checked before decoding: base58 decoding is quadratic in the text's
 * length, and a 100,000-character "address" held the event loop for ~25 s (found by the GraphQL fuzz).
 */
const MAX_ADDRESS_CHARS = 44;
const MAX_SIGNATURE_CHARS = 88;

export function parseAddress(field: string, value: unknown): PublicKey {
  if (typeof value === 'string' && value.length <= MAX_ADDRESS_CHARS) {
    try {
      const bytes = bs58.decode(value);
      if (bytes.length === 32) return new PublicKey(bytes);
    } catch {
      // fall through to the error below
    }
  }
  throw new ChoirError('BAD_USER_INPUT', `${field} must be a base58 32-byte address`, { details: { field } });
}

export function parseHex32(field: string, value: unknown): Uint8Array {
  if (typeof value !== 'string' || !HEX64.test(value)) {
    throw new ChoirError('BAD_USER_INPUT', `${field} must be 64 hex characters`, { details: { field } });
  }
  return Buffer.from(value, 'hex');
}

export function parseSignature(value: unknown): Uint8Array {
  if (typeof value === 'string' && value.length <= MAX_SIGNATURE_CHARS) {
    try {
      const bytes = bs58.decode(value);
      if (bytes.length === 64) return bytes;
    } catch {
      // fall through
    }
  }
  throw new ChoirError('BAD_USER_INPUT', 'signature must be a base58 64-byte ed25519 signature', {
    details: { field: 'signature' },
  });
}

/** Throws SIGNATURE_INVALID unless `signature` is `signer`'s ed25519 signature over `message`. */
export function verifySignature(signer: PublicKey, message: Uint8Array, signature: Uint8Array, what: string): void {
  const key = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, signer.toBytes()]),
    format: 'der',
    type: 'spki',
  });
  if (!verify(null, message, key, signature)) {
    throw new ChoirError('SIGNATURE_INVALID', `the signature does not verify: ${what} signed by ${signer.toBase58()}`, {
      details: { signer: signer.toBase58() },
    });
  }
}
