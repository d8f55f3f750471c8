/**
 * Turns one Yellowstone `SubscribeUpdate` (as the official client decodes it: camelCase, Buffers, u64 strings,
 * enums as numbers) into the indexer's StreamUpdate. Never throws on data: malformed accounts, unknown
 * instructions and malformed updates are reported through `onSkip` (logged and counted by the caller) and left out.
 */
import bs58 from 'bs58';
import { base58 } from '../../programs/choir/client/base58-cache.js';
import { decodeAccount, decodeInstruction } from '../../programs/choir/client/index.js';
import type { DecodedInstruction, SkipReason, SlotStatus, StreamUpdate } from './types.js';

// Yellowstone's SlotStatus enum values (geyser.proto); other statuses (first shred, completed, bank) are ignored.
const SLOT_STATUS: Record<number, SlotStatus> = { 0: 'processed', 1: 'confirmed', 2: 'finalized', 6: 'dead' };

export type OnSkip = (reason: SkipReason, detail: string, context: Record<string, unknown>) => void;

// Structural view of the fields we read; the client's generated types are wider.
interface RawUpdate {
  account?: {
    slot: string;
    account?: {
      pubkey: Uint8Array;
      lamports: string;
      owner: Uint8Array;
      data: Uint8Array;
      writeVersion: string;
      txnSignature?: Uint8Array;
    };
  };
  transaction?: {
    slot: string;
    transaction?: {
      signature: Uint8Array;
      transaction?: {
        message?: {
          accountKeys: Uint8Array[];
          instructions: { programIdIndex: number; accounts: Uint8Array; data: Uint8Array }[];
        };
      };
      meta?: {
        err?: unknown;
        preBalances: string[];
        postBalances: string[];
        loadedWritableAddresses: Uint8Array[];
        loadedReadonlyAddresses: Uint8Array[];
      };
    };
  };
  slot?: { slot: string; parent?: string; status: number };
}

// The program id's bytes, to compare owners without encoding them (one id per process in practice).
let programBytes: { id: string; bytes: Uint8Array } | null = null;
function programKey(id: string): Uint8Array {
  if (programBytes?.id !== id) programBytes = { id, bytes: bs58.decode(id) };
  return programBytes.bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array)) throw new Error('account owner is not bytes');
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function decodeUpdate(raw: unknown, programId: string, onSkip: OnSkip): StreamUpdate | null {
  const update = raw as RawUpdate;
  try {
    if (update.account) return decodeAccountUpdate(update.account, programId, onSkip);
    if (update.transaction) return decodeTransactionUpdate(update.transaction, programId, onSkip);
    if (update.slot) {
      const status = SLOT_STATUS[update.slot.status];
      if (!status) return null;
      return {
        kind: 'slot',
        slot: BigInt(update.slot.slot),
        parent: update.slot.parent === undefined ? null : BigInt(update.slot.parent),
        status,
      };
    }
    return null; // pings, pongs, block meta: not data
  } catch (err) {
    onSkip('update_malformed', (err as Error).message, {});
    return null;
  }
}

function decodeAccountUpdate(
  u: NonNullable<RawUpdate['account']>,
  programId: string,
  onSkip: OnSkip,
): StreamUpdate | null {
  const info = u.account;
  if (!info) {
    onSkip('update_malformed', 'account update without account', { slot: u.slot });
    return null;
  }
  // A closed account is streamed with the system program as owner and no data: nothing of ours to decode.
  if (!sameBytes(info.owner, programKey(programId))) return null;
  const pubkey = base58.encode(info.pubkey);
  const decoded = decodeAccount(info.data);
  if (!decoded.ok) {
    onSkip('account_malformed', decoded.error.message, { pubkey, slot: u.slot });
    return null;
  }
  return {
    kind: 'account',
    pubkey,
    slot: BigInt(u.slot),
    writeVersion: BigInt(info.writeVersion),
    lamports: BigInt(info.lamports),
    txSignature: info.txnSignature && info.txnSignature.length > 0 ? base58.encode(info.txnSignature) : null,
    account: decoded.value,
    instructionIndex: null,
  };
}

function decodeTransactionUpdate(
  u: NonNullable<RawUpdate['transaction']>,
  programId: string,
  onSkip: OnSkip,
): StreamUpdate | null {
  const info = u.transaction;
  const message = info?.transaction?.message;
  if (!info || !message) {
    onSkip('update_malformed', 'transaction update without a message', { slot: u.slot });
    return null;
  }
  const signature = base58.encode(info.signature);
  const keys = [
    ...message.accountKeys,
    ...(info.meta?.loadedWritableAddresses ?? []),
    ...(info.meta?.loadedReadonlyAddresses ?? []),
  ].map((k) => base58.encode(k));
  const instructions: DecodedInstruction[] = [];
  message.instructions.forEach((ix, index) => {
    if (keys[ix.programIdIndex] !== programId) return;
    const accounts = Array.from(ix.accounts, (i) => keys[i] ?? '');
    const decoded = decodeInstruction(ix.data, accounts);
    if (decoded.ok) instructions.push({ index, instruction: decoded.value });
    else onSkip('instruction_unknown', decoded.error.message, { signature, index, slot: u.slot });
  });
  const balanceDeltas = new Map<string, bigint>();
  const pre = info.meta?.preBalances ?? [];
  const post = info.meta?.postBalances ?? [];
  keys.forEach((key, i) => {
    if (pre[i] !== undefined && post[i] !== undefined) balanceDeltas.set(key, BigInt(post[i]) - BigInt(pre[i]));
  });
  return {
    kind: 'transaction',
    signature,
    slot: BigInt(u.slot),
    failed: info.meta?.err != null,
    instructions,
    balanceDeltas,
  };
}
