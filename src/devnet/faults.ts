import bs58 from 'bs58';
import type { GeyserServer } from './geyser/server.js';
import { RENT_EXEMPT_EPOCH } from './ledger/accounts.js';
import type { Ledger } from './ledger/ledger.js';

/** An address as base58 or anything with `toBase58()` (a web3.js `PublicKey`). */
export type FaultAddress = string | { toBase58(): string };

/** An account for `DevnetFaults.writeAccount`: whatever bytes, owner and balance the test wants. */
export interface FaultAccount {
  readonly pubkey: FaultAddress;
  readonly owner: FaultAddress;
  /** 0 closes the account (streamed as a zero-lamport, empty, System-owned account; reads return null). */
  readonly lamports: bigint | number;
  readonly data?: Uint8Array;
  readonly executable?: boolean;
}

/** Solana's limit on account data (`MAX_PERMITTED_DATA_LENGTH`). */
const MAX_DATA_LENGTH = 10 * 1024 * 1024;
const U64_MAX = 2n ** 64n - 1n;

/** Fault hooks for indexer and pipeline tests. */
export interface DevnetFaults {
  /**
   * Abandons the open slot as a fork: its updates were already streamed at `processed`; it never confirms,
   * Geyser and RPC subscribers get status `dead`, its writes are undone and its transactions disappear.
   * Returns the dead slot.
   */
  abandonSlot(): number;
  /** Ends Geyser streams (all, or the subscriber with this id) with UNAVAILABLE. Returns how many were cut. */
  cutStreams(subscriberId?: number): number;
  /**
   * The Geyser streams connected now lose the open slot: nothing of it reaches them — its account and transaction
   * updates, block meta, and its processed/confirmed/finalized statuses — as from a provider that dropped it. The
   * chain itself is unaffected, and a new subscription (`from_slot`) replays the slot in full. The next slot's
   * processed status names the lost slot as its parent: what an indexer's gap check sees. Returns the lost slot.
   */
  loseSlotFromStreams(): number;
  /** Ids of the connected Geyser subscribers. */
  subscriberIds(): number[];
  /**
   * Geyser streams stay open but go silent until `resumeStreams`: updates, pongs to client pings and the
   * server's keepalive pings are all held (a hung provider; a client's ping deadline sees it). With
   * `{ keepalive: true }` only updates are held and pings are still answered (a stall, not silence).
   */
  pauseStreams(options?: { keepalive?: boolean }): void;
  /** Sends everything held, in order (no gap, no duplicate), and streams live again. */
  resumeStreams(): void;
  /** Restarts the Geyser server on the same port (every stream is cut). */
  restartGeyser(): Promise<void>;
  /**
   * Writes an account exactly as given (any owner, data, lamports; e.g. garbage owned by the Choir program) in the
   * open slot, outside any transaction: a real write with the next write version, streamed over Geyser and RPC
   * subscriptions (no transaction signature), journaled and persisted, undone if the slot is abandoned, and
   * confirmed/finalized with its slot. Returns the slot and write version.
   */
  writeAccount(account: FaultAccount): { slot: number; writeVersion: bigint };
}

function address(value: FaultAddress, what: string): string {
  const text = typeof value === 'string' ? value : value.toBase58();
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(text);
  } catch {
    throw new TypeError(`writeAccount: ${what} is not base58: ${text}`);
  }
  if (bytes.length !== 32) throw new TypeError(`writeAccount: ${what} is not a 32-byte address: ${text}`);
  return text;
}

export function createFaults(ledger: Ledger, geyser: GeyserServer): DevnetFaults {
  return {
    abandonSlot: () => ledger.abandonSlot(),
    cutStreams: (id) => geyser.cutStreams(id),
    loseSlotFromStreams: () => {
      const slot = ledger.chain.openSlot;
      geyser.loseSlot(slot);
      return slot;
    },
    subscriberIds: () => geyser.subscriberIds(),
    pauseStreams: (options) => geyser.pause(options),
    resumeStreams: () => geyser.resume(),
    restartGeyser: () => geyser.restart(),
    writeAccount: (account) => {
      const pubkey = address(account.pubkey, 'pubkey');
      const owner = address(account.owner, 'owner');
      if (typeof account.lamports === 'number' && !Number.isSafeInteger(account.lamports)) {
        throw new RangeError(`writeAccount: lamports must be an integer: ${account.lamports}`);
      }
      const lamports = BigInt(account.lamports);
      if (lamports < 0n || lamports > U64_MAX) throw new RangeError(`writeAccount: lamports out of u64: ${lamports}`);
      const data = account.data ?? new Uint8Array();
      if (data.length > MAX_DATA_LENGTH) {
        throw new RangeError(`writeAccount: ${data.length} bytes of data (the limit is ${MAX_DATA_LENGTH})`);
      }
      return ledger.writeAccount(pubkey, {
        lamports,
        owner,
        executable: account.executable ?? false,
        rentEpoch: RENT_EXEMPT_EPOCH,
        data,
      });
    },
  };
}
