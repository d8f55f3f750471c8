import bs58 from 'bs58';
import type { LedgerEvent } from '../ledger/types.js';

/**
 * Hand-written protobuf for the hot path: account updates. Same bytes as the client's ts-proto codec
 * (`SubscribeUpdate{filters=1, account=2 {account=1 {pubkey=1, lamports=2, owner=3, executable=4, rent_epoch=5,
 * data=6, write_version=7, txn_signature=8}, slot=2, is_startup=3}, created_at=11}`), at a fraction of the cost.
 * The account part is encoded once per event and shared by every subscriber; only the filter names differ.
 */
type AccountEvent = Extract<LedgerEvent, { kind: 'account' }>;

const SYSTEM_PROGRAM = '11111111111111111111111111111111';

class Writer {
  private buf = Buffer.allocUnsafe(256);
  pos = 0;

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(value: number | bigint): this {
    this.ensure(10);
    if (typeof value === 'number' && value < 0x80) {
      this.buf[this.pos++] = value;
      return this;
    }
    let v = BigInt(value);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  bytes(tag: number, value: Uint8Array): this {
    this.varint(tag).varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  uint64(tag: number, value: bigint | number): this {
    if (value === 0 || value === 0n) return this; // proto3 default: omitted
    return this.varint(tag).varint(value);
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
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

// The account updates of one transaction come one after the other and share its signature.
let lastSignature = '';
let lastSignatureBytes: Uint8Array = new Uint8Array(64);
function signatureBytes(signature: string): Uint8Array {
  if (signature !== lastSignature) {
    lastSignatureBytes = bs58.decode(signature);
    lastSignature = signature;
  }
  return lastSignatureBytes;
}

/** `SubscribeUpdateAccount` bytes (field 2 of SubscribeUpdate), for one event and one set of data slices. */
function accountMessage(event: AccountEvent, slices: { offset: number; length: number }[]): Buffer {
  const account = event.account;
  let data = account?.data ?? new Uint8Array();
  if (slices.length > 0) data = Buffer.concat(slices.map((s) => data.subarray(s.offset, s.offset + s.length)));
  const info = new Writer()
    .bytes(10, keyBytes(event.pubkey))
    .uint64(16, account?.lamports ?? 0n)
    .bytes(26, keyBytes(account?.owner ?? SYSTEM_PROGRAM));
  if (account?.executable) info.varint(32).varint(1);
  info.uint64(40, account?.rentEpoch ?? 0n);
  if (data.length > 0) info.bytes(50, data);
  info.uint64(56, event.writeVersion);
  if (event.txnSignature !== null) info.bytes(66, signatureBytes(event.txnSignature));
  return new Writer().bytes(10, info.finish()).uint64(16, event.slot).finish();
}

const shared = new WeakMap<AccountEvent, Buffer>();

function timestamp(date: number): Buffer {
  const seconds = Math.floor(date / 1000);
  const nanos = (date % 1000) * 1_000_000;
  const w = new Writer().uint64(8, seconds);
  if (nanos > 0) w.varint(16).varint(nanos);
  return w.finish();
}

export function encodeAccountFast(
  event: AccountEvent,
  filters: string[],
  slices: { offset: number; length: number }[],
): Buffer {
  let account = slices.length === 0 ? shared.get(event) : undefined;
  if (!account) {
    account = accountMessage(event, slices);
    if (slices.length === 0) shared.set(event, account);
  }
  const w = new Writer();
  for (const name of filters) w.bytes(10, Buffer.from(name, 'utf8'));
  w.bytes(18, account);
  w.bytes(90, timestamp(Date.now()));
  return w.finish(); // a view of this call's own buffer: no copy needed
}
