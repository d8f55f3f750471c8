/**
 * The SDK's conversions at its edges, in plain browser APIs (no Buffer): an argument that must be a public key
 * (a UI error naming the field when it is not), hex for hashes and thread ids, base64 for transactions.
 */
import { PublicKey } from '@solana/web3.js';
import { uiError } from './errors.js';

export function publicKeyArg(field: string, value: string): PublicKey {
  try {
    return new PublicKey(value);
  } catch {
    throw uiError(`${field} must be a base58 public key, got ${JSON.stringify(value)}`, undefined, { field });
  }
}

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function toBase64(bytes: Uint8Array): string {
  let raw = '';
  for (const b of bytes) raw += String.fromCharCode(b);
  return btoa(raw);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
