// Program-derived addresses of Choir accounts.
import { PublicKey } from '@solana/web3.js';
import { CHOIR_PROGRAM_ID } from './program-id.js';

const THREAD_SEED = Buffer.from('thread');
const MESSAGE_SEED = Buffer.from('message');

function bytes32(name: string, value: Uint8Array): Buffer {
  if (value.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${value.length}`);
  return Buffer.from(value);
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
    [MESSAGE_SEED, thread.toBuffer(), bytes32('contentHash', contentHash)],
    programId,
  );
}
