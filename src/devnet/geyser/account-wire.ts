import bs58 from 'bs58';
import type { LedgerEvent } from '../ledger/types.js';
import {
  beginUpdate,
  bytesFieldSize,
  endUpdate,
  frameUpdate,
  RecentBodies,
  type U64,
  u64,
  u64FieldSize,
  type Writer,
} from './proto-wire.js';

/**
 * Hand-written protobuf for the hot path: account updates. Same bytes as the client's ts-proto codec
 * (`SubscribeUpdate{filters=1, account=2 {account=1 {pubkey=1, lamports=2, owner=3, executable=4, rent_epoch=5,
 * data=6, write_version=7, txn_signature=8}, slot=2, is_startup=3}, created_at=11}`), at a fraction of the cost.
 * The account part is encoded once per event and shared by every subscriber; only the filter names and the
 * timestamp differ. The result already carries its gRPC length prefix.
 */
type AccountEvent = Extract<LedgerEvent, { kind: 'account' }>;

const SYSTEM_PROGRAM = '11111111111111111111111111111111';

// Base58 decoding dominates the encoding cost; keys repeat a lot (owners, hot accounts).
const keyCache = new Map<string, Uint8Array>();
function keyBytes(key: string): Uint8Array {
  let bytes = keyCache.get(key);
  if (!bytes) {
    bytes = bs58.decode(key);
    if (keyCache.size > 50_000) keyCache.clear();
    keyCache.set(key, bytes);
  }
  return bytes;
}

interface AccountParts {
  readonly event: AccountEvent;
  readonly data: Uint8Array;
  readonly pubkey: Uint8Array;
  readonly owner: Uint8Array;
  readonly lamports: U64;
  readonly rentEpoch: U64;
  readonly writeVersion: U64;
  readonly infoLength: number;
  /** `SubscribeUpdateAccount` bytes (field 2 of SubscribeUpdate). */
  readonly size: number;
}

function accountParts(event: AccountEvent, slices: { offset: number; length: number }[]): AccountParts {
  const account = event.account;
  let data = account?.data ?? new Uint8Array();
  if (slices.length > 0) data = Buffer.concat(slices.map((s) => data.subarray(s.offset, s.offset + s.length)));
  const pubkey = event.pubkeyBytes ?? keyBytes(event.pubkey);
  const owner = keyBytes(account?.owner ?? SYSTEM_PROGRAM);
  const lamports = u64(account?.lamports ?? 0n);
  const rentEpoch = u64(account?.rentEpoch ?? 0n);
  const writeVersion = u64(event.writeVersion);
  const signature = event.txnSignatureBytes;
  const infoLength =
    bytesFieldSize(pubkey.length) +
    u64FieldSize(lamports) +
    bytesFieldSize(owner.length) +
    (account?.executable ? 2 : 0) +
    u64FieldSize(rentEpoch) +
    (data.length > 0 ? bytesFieldSize(data.length) : 0) +
    u64FieldSize(writeVersion) +
    (signature ? bytesFieldSize(signature.length) : 0);
  const size = bytesFieldSize(infoLength) + u64FieldSize(event.slot);
  return { event, data, pubkey, owner, lamports, rentEpoch, writeVersion, infoLength, size };
}

function writeAccount(w: Writer, a: AccountParts): void {
  const { event, data } = a;
  w.open(10, a.infoLength);
  w.field(10, a.pubkey);
  w.u64Field(16, a.lamports);
  w.field(26, a.owner);
  if (event.account?.executable) {
    w.byte(32);
    w.byte(1);
  }
  w.u64Field(40, a.rentEpoch);
  if (data.length > 0) w.field(50, data);
  w.u64Field(56, a.writeVersion);
  if (event.txnSignatureBytes) w.field(66, event.txnSignatureBytes);
  w.u64Field(16, event.slot);
}

// Recent events' encodings, for subscribers reading the same events at about the same time.
const shared = new RecentBodies<AccountEvent>(4_096);

/** A framed (gRPC length-prefixed) SubscribeUpdate carrying one account update. */
export function encodeAccountFramed(
  event: AccountEvent,
  filters: string[],
  slices: { offset: number; length: number }[],
): Buffer {
  const cached = slices.length === 0 ? shared.get(event) : undefined;
  if (cached) return frameUpdate(18, cached, filters);
  const parts = accountParts(event, slices);
  const w = beginUpdate(18, parts.size, filters);
  const start = w.pos;
  writeAccount(w, parts);
  // The body stays a view into this update's buffer, which nothing writes to once it is out.
  const body = w.buf.subarray(start, w.pos);
  const out = endUpdate(w);
  if (slices.length === 0) shared.set(event, body);
  return out;
}
