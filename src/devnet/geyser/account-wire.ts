import bs58 from 'bs58';
import type { LedgerEvent } from '../ledger/types.js';

/**
 * Hand-written protobuf for the hot path: account updates. Same bytes as the client's ts-proto codec
 * (`SubscribeUpdate{filters=1, account=2 {account=1 {pubkey=1, lamports=2, owner=3, executable=4, rent_epoch=5,
 * data=6, write_version=7, txn_signature=8}, slot=2, is_startup=3}, created_at=11}`), at a fraction of the cost.
 * The account part is encoded once per event and shared by every subscriber; only the filter names and the
 * timestamp differ. The result already carries its gRPC length prefix.
 */
type AccountEvent = Extract<LedgerEvent, { kind: 'account' }>;

const SYSTEM_PROGRAM = '11111111111111111111111111111111';

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Varint bytes of a u64 (bigints beyond 2^53 take the slow path; rent epochs are u64::MAX). */
function varintBytes(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

class Writer {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }
  varint(value: number): void {
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
  }
  raw(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
  field(tag: number, bytes: Uint8Array): void {
    this.buf[this.pos++] = tag;
    this.varint(bytes.length);
    this.raw(bytes);
  }
}

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

/** A u64 as varint: numbers while they are exact, bytes (precomputed for u64::MAX rent epochs) beyond. */
type U64 = number | Uint8Array;
const big = new Map<bigint, Uint8Array>();
function u64(value: bigint): U64 {
  if (value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  let bytes = big.get(value);
  if (!bytes) {
    bytes = varintBytes(value);
    if (big.size > 1_000) big.clear();
    big.set(value, bytes);
  }
  return bytes;
}
function u64Size(value: U64): number {
  return typeof value === 'number' ? varintSize(value) : value.length;
}
/** Bytes of a proto3 u64 field; 0 is the default and is omitted. */
function u64FieldSize(value: U64): number {
  return value === 0 ? 0 : 1 + u64Size(value);
}

/** `SubscribeUpdateAccount` bytes (field 2 of SubscribeUpdate), for one event and one set of data slices. */
function accountMessage(event: AccountEvent, slices: { offset: number; length: number }[]): Buffer {
  const account = event.account;
  let data = account?.data ?? new Uint8Array();
  if (slices.length > 0) data = Buffer.concat(slices.map((s) => data.subarray(s.offset, s.offset + s.length)));
  const pubkey = keyBytes(event.pubkey);
  const owner = keyBytes(account?.owner ?? SYSTEM_PROGRAM);
  const lamports = u64(account?.lamports ?? 0n);
  const rentEpoch = u64(account?.rentEpoch ?? 0n);
  const writeVersion = u64(event.writeVersion);
  const signature = event.txnSignatureBytes;
  const bytesField = (length: number) => 1 + varintSize(length) + length;
  const infoLength =
    bytesField(pubkey.length) +
    u64FieldSize(lamports) +
    bytesField(owner.length) +
    (account?.executable ? 2 : 0) +
    u64FieldSize(rentEpoch) +
    (data.length > 0 ? bytesField(data.length) : 0) +
    u64FieldSize(writeVersion) +
    (signature ? bytesField(signature.length) : 0);
  const out = Buffer.allocUnsafe(bytesField(infoLength) + u64FieldSize(event.slot));
  const w = new Writer(out);
  const u64Field = (tag: number, value: U64) => {
    if (value === 0) return;
    out[w.pos++] = tag;
    if (typeof value === 'number') w.varint(value);
    else w.raw(value);
  };
  out[w.pos++] = 10;
  w.varint(infoLength);
  w.field(10, pubkey);
  u64Field(16, lamports);
  w.field(26, owner);
  if (account?.executable) {
    out[w.pos++] = 32;
    out[w.pos++] = 1;
  }
  u64Field(40, rentEpoch);
  if (data.length > 0) w.field(50, data);
  u64Field(56, writeVersion);
  if (signature) w.field(66, signature);
  u64Field(16, event.slot);
  return out;
}

// Recent events' encodings, for subscribers reading the same events at about the same time. A small bounded map
// rather than a WeakMap over the whole history: hundreds of thousands of weak entries slow every GC.
const SHARED_LIMIT = 4_096;
let shared = new Map<AccountEvent, Buffer>();

/** A framed (gRPC length-prefixed) SubscribeUpdate carrying one account update. */
export function encodeAccountFramed(
  event: AccountEvent,
  filters: string[],
  slices: { offset: number; length: number }[],
): Buffer {
  let account = slices.length === 0 ? shared.get(event) : undefined;
  if (!account) {
    account = accountMessage(event, slices);
    if (slices.length === 0) {
      if (shared.size >= SHARED_LIMIT) shared = new Map();
      shared.set(event, account);
    }
  }
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  const nanos = (now % 1000) * 1_000_000;
  const timestampLength = 1 + varintSize(seconds) + (nanos > 0 ? 1 + varintSize(nanos) : 0);
  const names = filters.map((name) => Buffer.from(name, 'utf8'));
  let size = 0;
  for (const name of names) size += 1 + varintSize(name.length) + name.length;
  size += 1 + varintSize(account.length) + account.length;
  size += 1 + varintSize(timestampLength) + timestampLength;
  const out = Buffer.allocUnsafe(5 + size);
  out[0] = 0;
  out.writeUInt32BE(size, 1);
  const w = new Writer(out, 5);
  for (const name of names) w.field(10, name);
  w.field(18, account);
  out[w.pos++] = 90;
  w.varint(timestampLength);
  out[w.pos++] = 8;
  w.varint(seconds);
  if (nanos > 0) {
    out[w.pos++] = 16;
    w.varint(nanos);
  }
  return out;
}
