import { createHash } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/;

export function isContentHash(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * A point id from a 64-hex sha256: its first 128 bits laid out as a UUID, with the version nibble set to 8
 * ("custom", RFC 9562) and the RFC variant bits, so Qdrant and Postgres accept it as a UUID. The same content hash
 * always gives the same id, which makes every upsert idempotent. 122 bits of sha256 keep collisions negligible.
 */
export function uuidFromHash(hash: string): string {
  const h = hash.toLowerCase();
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The id of a message point: derived from its content hash. */
export function messagePointId(contentHash: string): string {
  return uuidFromHash(contentHash);
}

/** The id of a thread's metadata point: derived from the thread's address, so re-registering overwrites it. */
export function threadPointId(threadId: string): string {
  return uuidFromHash(sha256Hex(`choir:thread:${threadId}`));
}
