/** ed25519 verification of wallet signatures with node:crypto (no extra dependency). */
import { createPublicKey, verify } from 'node:crypto';
import bs58 from 'bs58';

/** DER prefix of an ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** True when `signature` (64 bytes) is `publicKey`'s (base58) ed25519 signature of `message`. */
export function verifyEd25519(publicKey: string, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const raw = bs58.decode(publicKey);
    if (raw.length !== 32 || signature.length !== 64) return false;
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
