/** Argument checks shared by resolvers: bad input is a clear BAD_USER_INPUT naming the argument. */
import bs58 from 'bs58';
import { ChoirError } from '../../errors/index.js';

export function badInput(argument: string, message: string): ChoirError {
  return new ChoirError('BAD_USER_INPUT', `${argument}: ${message}`, { details: { argument } });
}

// The longest base58 text of 32 and 64 bytes. Decoding base58 takes time quadratic in the text's length (a
// 40,000-character "key" held the event loop for 4 s; a 1 MB body's for half an hour): longer text is refused unread.
const MAX_KEY_CHARS = 44;
const MAX_SIGNATURE_CHARS = 88;

/** A base58 public key or address: 32 bytes. */
export function publicKey(argument: string, value: string): string {
  if (value.length > MAX_KEY_CHARS) {
    throw badInput(argument, `must be a 32-byte base58 key (at most ${MAX_KEY_CHARS} characters), got ${value.length}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(value);
  } catch {
    throw badInput(argument, 'must be base58');
  }
  if (bytes.length !== 32) throw badInput(argument, `must be a 32-byte base58 key, got ${bytes.length} bytes`);
  return value;
}

export function optionalKey(argument: string, value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : publicKey(argument, value);
}

/** A base58 ed25519 signature: 64 bytes. */
export function signature(argument: string, value: string): Uint8Array {
  if (value.length > MAX_SIGNATURE_CHARS) {
    throw badInput(
      argument,
      `must be a 64-byte base58 signature (at most ${MAX_SIGNATURE_CHARS} characters), got ${value.length}`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(value);
  } catch {
    throw badInput(argument, 'must be base58');
  }
  if (bytes.length !== 64) throw badInput(argument, `must be a 64-byte base58 signature, got ${bytes.length} bytes`);
  return bytes;
}

/** Text Postgres can store: it has no U+0000 in text or jsonb, and would fail the write as an internal error. */
export function storableText(argument: string, value: string): string {
  if (value.includes('\u0000')) throw badInput(argument, 'must not contain the NUL character (U+0000)');
  return value;
}

export function hex32(argument: string, value: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw badInput(argument, 'must be 64 hex characters');
  return value.toLowerCase();
}

/** A page size between 1 and the configured maximum. */
export function pageSize(first: number | null | undefined, fallback: number, max: number): number {
  const n = first ?? Math.min(fallback, max);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', `must be between 1 and ${max}`);
  return n;
}
