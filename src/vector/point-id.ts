import { createHash } from 'node:crypto';
import bs58 from 'bs58';

const HEX64 = /^[0-9a-f]{64}$/;
/** Base58 (Bitcoin alphabet) text of 32 to 44 characters: the form of a 32-byte Solana address. */
const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

export function isContentHash(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

/**
 * An on-chain address as the store keeps it: base58 text that decodes to exactly 32 bytes. Checked by decoding,
 * because a 32-44 character base58 string can still decode to 31 or 33 bytes.
 */
export function isRecordAddress(value: unknown): value is string {
  if (typeof value !== 'string' || !BASE58_ADDRESS.test(value)) return false;
  try {
    return bs58.decode(value).length === 32;
  } catch {
    return false;
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * A point id from a 64-hex sha256: its first 128 bits laid out as a UUID, with the version nibble set to 8
 * ("custom", RFC 9562) and the RFC variant bits, so Qdrant and Postgres accept it as a UUID. The same input always
 * gives the same id, which makes every upsert idempotent. 122 bits of sha256 keep collisions negligible.
 */
export function uuidFromHash(hash: string): string {
  const h = hash.toLowerCase();
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The id of a message point: derived from the message's record address (the Message PDA
 * `["message", thread, content_hash]`, base58), as `uuidFromHash(sha256("choir:message:" + address))`. Not from the
 * content hash: the same content may be posted in many threads, and each is its own message and its own point.
 * The prefix keeps message ids apart from thread ids (`choir:thread:`) even where an address is used for both.
 */
export function messagePointId(messageAddress: string): string {
  return uuidFromHash(sha256Hex(`choir:message:${messageAddress}`));
}

/**
 * The id a message point had before message addresses (content-hash identity): the embedded store's migration and
 * the Qdrant re-keying need it to find the old point. Not for new writes.
 */
export function legacyMessagePointId(contentHash: string): string {
  return uuidFromHash(contentHash);
}

/** The id of a thread's metadata point: derived from the thread's address, so re-registering overwrites it. */
export function threadPointId(threadId: string): string {
  return uuidFromHash(sha256Hex(`choir:thread:${threadId}`));
}
