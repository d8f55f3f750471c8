import { SlotStatus, SubscribeUpdate, type SubscribeUpdateAccountInfo } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import { transactionErrorBincode } from '../ledger/tx-error.js';
import type { AccountState, BlockInfo, LedgerEvent, TransactionRecord } from '../ledger/types.js';
import { decodeTransaction } from '../ledger/wire.js';

const SYSTEM_PROGRAM = bs58.decode('11111111111111111111111111111111');

const STATUS: Record<string, SlotStatus> = {
  processed: SlotStatus.SLOT_PROCESSED,
  confirmed: SlotStatus.SLOT_CONFIRMED,
  finalized: SlotStatus.SLOT_FINALIZED,
  dead: SlotStatus.SLOT_DEAD,
};

// Every update is encoded with the client package's own ts-proto codecs, so the wire format is the client's.
function encode(update: Partial<SubscribeUpdate>): Buffer {
  const message: SubscribeUpdate = { filters: [], createdAt: new Date(), ...update };
  const bytes = SubscribeUpdate.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function sliceData(data: Uint8Array, slices: { offset: number; length: number }[]): Uint8Array {
  if (slices.length === 0) return data;
  const parts = slices.map((s) => data.subarray(s.offset, s.offset + s.length));
  return Buffer.concat(parts);
}

export function encodeAccount(
  event: Extract<LedgerEvent, { kind: 'account' }>,
  filters: string[],
  slices: { offset: number; length: number }[],
): Buffer {
  const account: AccountState | null = event.account;
  const info: SubscribeUpdateAccountInfo = {
    pubkey: bs58.decode(event.pubkey),
    lamports: (account?.lamports ?? 0n).toString(),
    owner: account ? bs58.decode(account.owner) : SYSTEM_PROGRAM,
    executable: account?.executable ?? false,
    rentEpoch: (account?.rentEpoch ?? 0n).toString(),
    data: sliceData(account?.data ?? new Uint8Array(), slices),
    writeVersion: event.writeVersion.toString(),
    txnSignature: event.txnSignature === null ? undefined : bs58.decode(event.txnSignature),
  };
  return encode({ filters, account: { account: info, slot: String(event.slot), isStartup: false } });
}

function transactionInfo(tx: TransactionRecord) {
  const decoded = decodeTransaction(tx.wire);
  return {
    signature: decoded.signatures[0]!,
    isVote: false,
    index: String(tx.index),
    transaction: {
      signatures: decoded.signatures,
      message: {
        header: {
          numRequiredSignatures: decoded.header.numRequiredSignatures,
          numReadonlySignedAccounts: decoded.header.numReadonlySigned,
          numReadonlyUnsignedAccounts: decoded.header.numReadonlyUnsigned,
        },
        accountKeys: decoded.accountKeys.map((k) => bs58.decode(k)),
        recentBlockhash: bs58.decode(decoded.recentBlockhash),
        instructions: decoded.instructions.map((ix) => ({
          programIdIndex: ix.programIdIndex,
          accounts: Uint8Array.from(ix.accounts),
          data: ix.data,
        })),
        versioned: decoded.version === 0,
        addressTableLookups: decoded.addressTableLookups.map((l) => ({
          accountKey: bs58.decode(l.accountKey),
          writableIndexes: Uint8Array.from(l.writableIndexes),
          readonlyIndexes: Uint8Array.from(l.readonlyIndexes),
        })),
      },
    },
    meta: {
      err: tx.err === null ? undefined : { err: transactionErrorBincode(tx.err) },
      fee: tx.fee.toString(),
      preBalances: tx.preBalances.map(String),
      postBalances: tx.postBalances.map(String),
      innerInstructions: tx.innerInstructions.map((group) => ({
        index: group.index,
        instructions: group.instructions.map((ix) => ({
          programIdIndex: ix.programIdIndex,
          accounts: Uint8Array.from(ix.accounts),
          data: ix.data,
          stackHeight: ix.stackHeight,
        })),
      })),
      innerInstructionsNone: false,
      logMessages: tx.logs,
      logMessagesNone: false,
      preTokenBalances: [],
      postTokenBalances: [],
      rewards: [],
      loadedWritableAddresses: [],
      loadedReadonlyAddresses: [],
      returnData: tx.returnData
        ? { programId: bs58.decode(tx.returnData.programId), data: tx.returnData.data }
        : undefined,
      returnDataNone: tx.returnData === null,
      computeUnitsConsumed: tx.computeUnitsConsumed.toString(),
    },
  };
}

export function encodeTransaction(event: Extract<LedgerEvent, { kind: 'transaction' }>, filters: string[]): Buffer {
  const update = SubscribeUpdate.fromPartial({
    filters,
    createdAt: new Date(),
    transaction: { slot: String(event.slot), transaction: transactionInfo(event.tx) },
  });
  return encode(update);
}

export function encodeTransactionStatus(
  event: Extract<LedgerEvent, { kind: 'transaction' }>,
  filters: string[],
): Buffer {
  const tx = event.tx;
  return encode({
    filters,
    transactionStatus: {
      slot: String(event.slot),
      signature: bs58.decode(tx.signature),
      isVote: false,
      index: String(tx.index),
      err: tx.err === null ? undefined : { err: transactionErrorBincode(tx.err) },
    },
  });
}

export function encodeSlot(event: Extract<LedgerEvent, { kind: 'slot' }>, filters: string[]): Buffer {
  return encode({
    filters,
    slot: {
      slot: String(event.slot),
      parent: event.parent === null ? undefined : String(event.parent),
      status: STATUS[event.status] ?? SlotStatus.SLOT_PROCESSED,
      deadError: event.status === 'dead' ? 'abandoned by the devnet fault hook' : undefined,
    },
  });
}

export function encodeBlockMeta(block: BlockInfo, filters: string[]): Buffer {
  return encode({
    filters,
    blockMeta: {
      slot: String(block.slot),
      blockhash: block.blockhash,
      rewards: { rewards: [], numPartitions: undefined },
      blockTime: { timestamp: String(block.blockTime) },
      blockHeight: { blockHeight: String(block.blockHeight) },
      parentSlot: String(block.parentSlot),
      parentBlockhash: block.parentBlockhash,
      executedTransactionCount: String(block.transactionCount),
      entriesCount: '0',
    },
  });
}

export function encodePing(): Buffer {
  return encode({ ping: {} });
}

export function encodePong(id: number): Buffer {
  return encode({ pong: { id } });
}
