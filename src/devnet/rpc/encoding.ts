import bs58 from 'bs58';
import type { AccountState, Commitment, TransactionRecord } from '../ledger/types.js';
import { decodeTransaction } from '../ledger/wire.js';
import { invalidParams } from './errors.js';

export type AccountEncoding = 'base64' | 'base58' | 'jsonParsed';

export interface DataSlice {
  offset: number;
  length: number;
}

export function accountEncoding(cfg: Record<string, unknown>, fallback: AccountEncoding = 'base58'): AccountEncoding {
  const raw = cfg['encoding'] ?? fallback;
  // jsonParsed falls back to base64 for program-owned data, as validators do for accounts they cannot parse.
  if (raw === 'base64' || raw === 'base58' || raw === 'jsonParsed') return raw;
  if (raw === 'binary') return 'base58';
  throw invalidParams(`Invalid params: unsupported account encoding ${JSON.stringify(raw)}`);
}

export function dataSliceOf(cfg: Record<string, unknown>): DataSlice | null {
  const raw = cfg['dataSlice'];
  if (raw === undefined || raw === null) return null;
  const o = raw as { offset?: unknown; length?: unknown };
  if (
    typeof o !== 'object' ||
    !Number.isInteger(o.offset) ||
    !Number.isInteger(o.length) ||
    (o.offset as number) < 0 ||
    (o.length as number) < 0
  ) {
    throw invalidParams('Invalid params: dataSlice needs non-negative integer offset and length');
  }
  return { offset: o.offset as number, length: o.length as number };
}

/** The UI account shape of RPC responses. */
export function uiAccount(account: AccountState, encoding: AccountEncoding, slice: DataSlice | null) {
  const data = slice ? account.data.subarray(slice.offset, slice.offset + slice.length) : account.data;
  if (encoding === 'base58' && data.length > 128) {
    throw invalidParams('Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
  }
  const encoded =
    encoding === 'base58'
      ? [bs58.encode(data), 'base58']
      : [Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64'), 'base64'];
  return {
    data: encoded,
    executable: account.executable,
    lamports: account.lamports,
    owner: account.owner,
    rentEpoch: account.rentEpoch,
    space: account.data.length,
  };
}

function statusOf(record: TransactionRecord) {
  return record.err === null ? { Ok: null } : { Err: record.err };
}

export function transactionMeta(record: TransactionRecord) {
  return {
    err: record.err,
    status: statusOf(record),
    fee: record.fee,
    preBalances: record.preBalances,
    postBalances: record.postBalances,
    innerInstructions: record.innerInstructions.map((group) => ({
      index: group.index,
      instructions: group.instructions.map((ix) => ({
        programIdIndex: ix.programIdIndex,
        accounts: ix.accounts,
        data: bs58.encode(ix.data),
        stackHeight: ix.stackHeight,
      })),
    })),
    logMessages: record.logs,
    preTokenBalances: [],
    postTokenBalances: [],
    rewards: [],
    loadedAddresses: { writable: [], readonly: [] },
    returnData: record.returnData
      ? {
          programId: record.returnData.programId,
          data: [Buffer.from(record.returnData.data).toString('base64'), 'base64'],
        }
      : null,
    computeUnitsConsumed: record.computeUnitsConsumed,
  };
}

/** A transaction in `json` encoding (web3.js's default for getTransaction). */
function jsonTransaction(record: TransactionRecord) {
  const tx = decodeTransaction(record.wire);
  return {
    signatures: tx.signatures.map((s) => bs58.encode(s)),
    message: {
      header: {
        numRequiredSignatures: tx.header.numRequiredSignatures,
        numReadonlySignedAccounts: tx.header.numReadonlySigned,
        numReadonlyUnsignedAccounts: tx.header.numReadonlyUnsigned,
      },
      accountKeys: tx.accountKeys,
      recentBlockhash: tx.recentBlockhash,
      instructions: tx.instructions.map((ix) => ({
        programIdIndex: ix.programIdIndex,
        accounts: ix.accounts,
        data: bs58.encode(ix.data),
        stackHeight: null,
      })),
      ...(tx.version === 0 ? { addressTableLookups: tx.addressTableLookups } : {}),
    },
  };
}

export function encodedTransaction(record: TransactionRecord, encoding: string) {
  const wire = Buffer.from(record.wire);
  if (encoding === 'base64') return [wire.toString('base64'), 'base64'];
  if (encoding === 'base58') return [bs58.encode(wire), 'base58'];
  if (encoding === 'json' || encoding === 'jsonParsed') return jsonTransaction(record);
  throw invalidParams(`Invalid params: unsupported transaction encoding ${JSON.stringify(encoding)}`);
}

export function signatureStatus(record: TransactionRecord, status: Commitment, openSlot: number) {
  return {
    slot: record.slot,
    confirmations: status === 'finalized' ? null : Math.max(0, openSlot - record.slot),
    err: record.err,
    status: statusOf(record),
    confirmationStatus: status,
  };
}
