// Canonical messages signed off-chain for relayed calls (see README.md "Relayed calls") and content hashing.
// Browser-safe on purpose (no node:* module, no Buffer): the client SDK and the web page build the same bytes the
// program and the API check, from this one definition.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import type { PublicKey } from '@solana/web3.js';
import { CHOIR_PROGRAM_ID } from './program-address.js';

export const THREAD_DOMAIN = 'CHOIR_THREAD_V2';
/** Length of the create_thread canonical message. */
export const THREAD_CANONICAL_MESSAGE_LEN = 127;
export const MESSAGE_DOMAIN = 'CHOIR_MSG_V1';
export const VOTE_DOMAIN = 'CHOIR_VOTE_V1';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The on-chain content hash: sha256 of the UTF-8 content. */
export function contentHash(content: string): Uint8Array {
  return sha256(new TextEncoder().encode(content));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const ascii = (text: string) => new TextEncoder().encode(text);

function exact32(name: string, value: Uint8Array): Uint8Array {
  if (value.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${value.length}`);
  return value;
}

/** What a thread's creator signs for a relayed create_thread: the same values the instruction carries. */
export interface ThreadTerms {
  threadId: Uint8Array;
  /** Creator first. */
  coAuthors: readonly PublicKey[];
  minStake: bigint;
  /** Seconds, as sent in the instruction: 0 means the program's default (7 days). */
  specLifetime?: bigint;
  /** The deployment the signature is valid on (default CHOIR_PROGRAM_ID). */
  programId?: PublicKey;
}

function u64le(name: string, value: bigint): Uint8Array {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError(`${name} must fit in a u64, got ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

function i64le(name: string, value: bigint): Uint8Array {
  if (value < -(1n << 63n) || value >= 1n << 63n) throw new RangeError(`${name} must fit in an i64, got ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, value, true);
  return out;
}

/**
 * "CHOIR_THREAD_V2" || program_id || thread_id || sha256(co-author keys concatenated, creator first) ||
 * min_stake (u64 LE) || spec_lifetime (i64 LE). 127 bytes. It binds the terms (a relayer cannot choose them) and
 * the deployment (the signature is not valid on another program id).
 */
export function threadCanonicalMessage(terms: ThreadTerms): Uint8Array {
  const keys = sha256(...terms.coAuthors.map((k) => k.toBytes()));
  return concat([
    ascii(THREAD_DOMAIN),
    (terms.programId ?? CHOIR_PROGRAM_ID).toBytes(),
    exact32('threadId', terms.threadId),
    keys,
    u64le('minStake', terms.minStake),
    i64le('specLifetime', terms.specLifetime ?? 0n),
  ]);
}

/** "CHOIR_MSG_V1" || thread address || content_hash. 76 bytes. */
export function messageCanonicalMessage(thread: PublicKey, hash: Uint8Array): Uint8Array {
  return concat([ascii(MESSAGE_DOMAIN), thread.toBytes(), exact32('contentHash', hash)]);
}

/** "CHOIR_VOTE_V1" || message address || approve (1 byte). 46 bytes. */
export function voteCanonicalMessage(message: PublicKey, approve: boolean): Uint8Array {
  return concat([ascii(VOTE_DOMAIN), message.toBytes(), Uint8Array.of(approve ? 1 : 0)]);
}

/** Content root after appending `hash`: sha256(root || hash). The root of an empty thread is 32 zero bytes. */
export function nextContentRoot(root: Uint8Array, hash: Uint8Array): Uint8Array {
  return sha256(exact32('root', root), exact32('contentHash', hash));
}
