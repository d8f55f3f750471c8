/** Raw Geyser updates (as the official client decodes them) for feeding a MemorySource in tests and benches. */
import { SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import { CHOIR_PROGRAM_ID, encodeThreadAccount } from '../../programs/choir/client/index.js';
import type { ThreadState } from './fixtures.js';

const PROGRAM = CHOIR_PROGRAM_ID.toBase58();

/** A raw update with the indexer's filter name. */
export const rawUpdate = (u: Record<string, unknown>) =>
  SubscribeUpdate.fromPartial({ filters: ['choir'], ...u } as never);

/** A program account update carrying `thread`'s account data. */
export function rawThreadUpdate(thread: ThreadState, slot: number, writeVersion: number) {
  const { address, ...account } = thread;
  return rawUpdate({
    account: {
      slot: String(slot),
      isStartup: false,
      account: {
        pubkey: bs58.decode(address),
        lamports: '1000000',
        owner: bs58.decode(PROGRAM),
        executable: false,
        rentEpoch: '0',
        data: encodeThreadAccount(account),
        writeVersion: String(writeVersion),
      },
    },
  });
}

/** A slot status update (`level` 0 processed, 1 confirmed, 2 finalized, 3 dead). */
export const rawSlotStatus = (slot: number, parent: number, level = 0) =>
  rawUpdate({ slot: { slot: String(slot), parent: String(parent), status: level } });
