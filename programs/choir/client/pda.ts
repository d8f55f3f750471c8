// Program-derived addresses of Choir accounts. Browser-safe (no Buffer, no node:*): the client SDK derives message
// addresses with it.
import { PublicKey } from '@solana/web3.js';
import { CHOIR_PROGRAM_ID } from './program-address.js';

const THREAD_SEED = new TextEncoder().encode('thread');
const MESSAGE_SEED = new TextEncoder().encode('message');

function bytes32(name: string, value: Uint8Array): Uint8Array {
  if (value.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${value.length}`);
  return value;
}

/** ["thread", thread_id] → [address, bump]. */
export function findThreadAddress(threadId: Uint8Array, programId: PublicKey = CHOIR_PROGRAM_ID): [PublicKey, number] {
  return PublicKey.findProgramAddressSync([THREAD_SEED, bytes32('threadId', threadId)], programId);
}

/** ["message", thread, content_hash] → [address, bump]. */
export function findMessageAddress(
  thread: PublicKey,
  contentHash: Uint8Array,
  programId: PublicKey = CHOIR_PROGRAM_ID,
): [PublicKey, number] {
  return PublicKey.findProgramAddressSync(
    [MESSAGE_SEED, thread.toBytes(), bytes32('contentHash', contentHash)],
    programId,
  );
}
