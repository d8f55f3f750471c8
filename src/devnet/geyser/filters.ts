import { CommitmentLevel, type SubscribeRequest } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import { decodeBase64Strict } from '../base64.js';
import type { AccountState, Commitment, TransactionRecord } from '../ledger/types.js';

/** A Subscribe request that cannot be served; the server answers INVALID_ARGUMENT with this message. */
export class FilterError extends Error {}

const MAX_DATA_FILTERS = 4;
const MAX_MEMCMP_BYTES = 128;
const MAX_FILTER_NAMES = 100;
const TOKEN_ACCOUNT_SIZE = 165;

type AccountPredicate = (pubkey: string, account: AccountState | null, txnSignature: string | null) => boolean;
type TransactionPredicate = (tx: TransactionRecord) => boolean;

/** A validated Subscribe request: named predicates per update kind, commitment and data slices. */
export interface SubscriptionFilters {
  readonly commitment: Commitment;
  readonly accounts: [string, AccountPredicate][];
  readonly transactions: [string, TransactionPredicate][];
  readonly transactionsStatus: [string, TransactionPredicate][];
  readonly slots: { name: string; filterByCommitment: boolean }[];
  readonly blocksMeta: string[];
  readonly dataSlices: { offset: number; length: number }[];
  readonly fromSlot: number | null;
}

function pubkeys(list: string[], what: string): Set<string> {
  return new Set(
    list.map((key) => {
      let bytes: Uint8Array;
      try {
        bytes = bs58.decode(key);
      } catch {
        throw new FilterError(`failed to create filter: invalid ${what} pubkey ${JSON.stringify(key)}`);
      }
      if (bytes.length !== 32) throw new FilterError(`failed to create filter: invalid ${what} pubkey ${key}`);
      return key;
    }),
  );
}

function u64(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new FilterError(`failed to create filter: invalid ${what}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new FilterError(`failed to create filter: ${what} out of range`);
  return n;
}

function commitmentOf(level: CommitmentLevel | undefined): Commitment {
  switch (level ?? CommitmentLevel.PROCESSED) {
    case CommitmentLevel.PROCESSED:
      return 'processed';
    case CommitmentLevel.CONFIRMED:
      return 'confirmed';
    case CommitmentLevel.FINALIZED:
      return 'finalized';
    default:
      throw new FilterError(`failed to create filter: invalid commitment ${level}`);
  }
}

function accountPredicate(filter: SubscribeRequest['accounts'][string]): AccountPredicate {
  if (filter.cuckooAccountsFilter) throw new FilterError('failed to create filter: cuckoo filters are not supported');
  const accounts = pubkeys(filter.account, 'account');
  const owners = pubkeys(filter.owner, 'owner');
  if (filter.filters.length > MAX_DATA_FILTERS) {
    throw new FilterError(`failed to create filter: more than ${MAX_DATA_FILTERS} data filters`);
  }
  const checks: ((account: AccountState) => boolean)[] = filter.filters.map((f) => {
    if (f.memcmp) {
      const offset = u64(f.memcmp.offset, 'memcmp offset');
      let wanted: Uint8Array;
      if (f.memcmp.bytes !== undefined) wanted = f.memcmp.bytes;
      else if (f.memcmp.base58 !== undefined) {
        try {
          wanted = bs58.decode(f.memcmp.base58);
        } catch {
          throw new FilterError('failed to create filter: invalid memcmp base58');
        }
      } else if (f.memcmp.base64 !== undefined) {
        const decoded = decodeBase64Strict(f.memcmp.base64);
        if (decoded === null) throw new FilterError('failed to create filter: invalid memcmp base64');
        wanted = decoded;
      } else throw new FilterError('failed to create filter: memcmp without data');
      if (wanted.length > MAX_MEMCMP_BYTES) throw new FilterError('failed to create filter: memcmp data too large');
      return (a) => {
        if (offset + wanted.length > a.data.length) return false;
        for (let i = 0; i < wanted.length; i++) if (a.data[offset + i] !== wanted[i]) return false;
        return true;
      };
    }
    if (f.datasize !== undefined) {
      const size = u64(f.datasize, 'datasize');
      return (a) => a.data.length === size;
    }
    if (f.tokenAccountState !== undefined) {
      const wanted = f.tokenAccountState;
      return (a) => (a.data.length === TOKEN_ACCOUNT_SIZE) === wanted;
    }
    if (f.lamports) {
      const { eq, ne, lt, gt } = f.lamports;
      const bound = (v: string) => BigInt(u64(v, 'lamports'));
      if (eq !== undefined) return (a) => a.lamports === bound(eq);
      if (ne !== undefined) return (a) => a.lamports !== bound(ne);
      if (lt !== undefined) return (a) => a.lamports < bound(lt);
      if (gt !== undefined) return (a) => a.lamports > bound(gt);
    }
    throw new FilterError('failed to create filter: empty account data filter');
  });
  const nonemptyTxn = filter.nonemptyTxnSignature;
  const empty: AccountState = {
    lamports: 0n,
    owner: '11111111111111111111111111111111',
    executable: false,
    rentEpoch: 0n,
    data: new Uint8Array(),
  };
  return (pubkey, maybe, txnSignature) => {
    if (accounts.size > 0 && !accounts.has(pubkey)) return false;
    const account = maybe ?? empty;
    if (owners.size > 0 && !owners.has(account.owner)) return false;
    if (nonemptyTxn !== undefined && (txnSignature !== null) !== nonemptyTxn) return false;
    for (const check of checks) if (!check(account)) return false;
    return true;
  };
}

function transactionPredicate(filter: SubscribeRequest['transactions'][string]): TransactionPredicate {
  if (filter.cuckooAccountInclude) throw new FilterError('failed to create filter: cuckoo filters are not supported');
  const include = pubkeys(filter.accountInclude, 'account_include');
  const exclude = pubkeys(filter.accountExclude, 'account_exclude');
  const required = pubkeys(filter.accountRequired, 'account_required');
  if (filter.signature !== undefined) {
    try {
      if (bs58.decode(filter.signature).length !== 64) throw new Error();
    } catch {
      throw new FilterError('failed to create filter: invalid signature');
    }
  }
  return (tx) => {
    // The devnet has no vote transactions.
    if (filter.vote === true) return false;
    if (filter.failed !== undefined && (tx.err !== null) !== filter.failed) return false;
    if (filter.signature !== undefined && filter.signature !== tx.signature) return false;
    if (include.size > 0 && !tx.accountKeys.some((k) => include.has(k))) return false;
    if (exclude.size > 0 && tx.accountKeys.some((k) => exclude.has(k))) return false;
    for (const key of required) if (!tx.accountKeys.includes(key)) return false;
    return true;
  };
}

function names(map: Record<string, unknown>): string[] {
  const keys = Object.keys(map);
  if (keys.length > MAX_FILTER_NAMES)
    throw new FilterError(`failed to create filter: more than ${MAX_FILTER_NAMES} filters`);
  return keys;
}

/** Whether a request carries any subscription (the client's first write is an empty request: ignore it). */
export function hasSubscription(request: SubscribeRequest): boolean {
  return (
    Object.keys(request.accounts).length > 0 ||
    Object.keys(request.slots).length > 0 ||
    Object.keys(request.transactions).length > 0 ||
    Object.keys(request.transactionsStatus).length > 0 ||
    Object.keys(request.blocks).length > 0 ||
    Object.keys(request.blocksMeta).length > 0 ||
    Object.keys(request.entry).length > 0
  );
}

/** Validates a Subscribe request into filters, or throws FilterError. */
export function parseFilters(request: SubscribeRequest): SubscriptionFilters {
  if (names(request.blocks).length > 0) throw new FilterError('blocks subscriptions are not supported by the devnet');
  if (names(request.entry).length > 0) throw new FilterError('entry subscriptions are not supported by the devnet');
  const dataSlices = request.accountsDataSlice.map((s) => ({
    offset: u64(s.offset, 'data slice offset'),
    length: u64(s.length, 'data slice length'),
  }));
  for (let i = 1; i < dataSlices.length; i++) {
    const prev = dataSlices[i - 1]!;
    if (dataSlices[i]!.offset < prev.offset + prev.length) {
      throw new FilterError('failed to create filter: data slices overlap or are not sorted');
    }
  }
  return {
    commitment: commitmentOf(request.commitment),
    accounts: names(request.accounts).map((n) => [n, accountPredicate(request.accounts[n]!)]),
    transactions: names(request.transactions).map((n) => [n, transactionPredicate(request.transactions[n]!)]),
    transactionsStatus: names(request.transactionsStatus).map((n) => [
      n,
      transactionPredicate(request.transactionsStatus[n]!),
    ]),
    slots: names(request.slots).map((n) => ({
      name: n,
      filterByCommitment: request.slots[n]?.filterByCommitment === true,
    })),
    blocksMeta: names(request.blocksMeta),
    dataSlices,
    fromSlot: request.fromSlot === undefined ? null : u64(request.fromSlot, 'from_slot'),
  };
}
