// Canonical messages signed off-chain for relayed calls (see README.md "Relayed calls") and content hashing.
import { createHash } from 'node:crypto';
import type { PublicKey } from '@solana/web3.js';

export const THREAD_DOMAIN = 'CHOIR_THREAD_V1';
export const MESSAGE_DOMAIN = 'CHOIR_MSG_V1';
export const VOTE_DOMAIN = 'CHOIR_VOTE_V1';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** The on-chain content hash: sha256 of the UTF-8 content. */
export function contentHash(content: string): Uint8Array {
  return sha256(Buffer.from(content, 'utf8'));
}

function exact32(name: string, value: Uint8Array): Uint8Array {
  if (value.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${value.length}`);
  return value;
}

/** "CHOIR_THREAD_V1" || thread_id || sha256(co-author keys concatenated, creator first). 79 bytes. */
export function threadCanonicalMessage(threadId: Uint8Array, coAuthors: readonly PublicKey[]): Uint8Array {
  const keys = sha256(...coAuthors.map((k) => k.toBytes()));
  return Buffer.concat([Buffer.from(THREAD_DOMAIN), exact32('threadId', threadId), keys]);
}

/** "CHOIR_MSG_V1" || thread address || content_hash. 76 bytes. */
export function messageCanonicalMessage(thread: PublicKey, hash: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(MESSAGE_DOMAIN), thread.toBytes(), exact32('contentHash', hash)]);
}

/** "CHOIR_VOTE_V1" || message address || approve (1 byte). 46 bytes. */
export function voteCanonicalMessage(message: PublicKey, approve: boolean): Uint8Array {
  return Buffer.concat([Buffer.from(VOTE_DOMAIN), message.toBytes(), Uint8Array.of(approve ? 1 : 0)]);
}

/** Content root after appending `hash`: sha256(root || hash). The root of an empty thread is 32 zero bytes. */
export function nextContentRoot(root: Uint8Array, hash: Uint8Array): Uint8Array {
  return sha256(exact32('root', root), exact32('contentHash', hash));
}
