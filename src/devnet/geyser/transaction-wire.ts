import bs58 from 'bs58';
import { transactionErrorBincode } from '../ledger/tx-error.js';
import type { LedgerEvent, TransactionRecord } from '../ledger/types.js';
import { Reader } from '../ledger/wire.js';
import {
  beginUpdate,
  bytesFieldSize,
  endUpdate,
  frameUpdate,
  RecentBodies,
  u64,
  u64FieldSize,
  u64Size,
  varintSize,
} from './proto-wire.js';

/**
 * Hand-written protobuf for transaction updates: the same bytes as the client's ts-proto codec applied to what
 * `encode.ts` builds (`SubscribeUpdate{filters=1, transaction=4 {transaction=1 SubscribeUpdateTransactionInfo,
 * slot=2}, created_at=11}`), read straight from the transaction's wire bytes instead of decoding it, converting
 * its keys to base58 and back, and building the message objects. The tests compare both encodings.
 */
type TransactionEvent = Extract<LedgerEvent, { kind: 'transaction' }>;

interface Ix {
  readonly programIdIndex: number;
  readonly accounts: Uint8Array;
  readonly data: Uint8Array;
  readonly size: number;
}

/** The message of a legacy or v0 transaction as byte views into its wire (validated when it landed). */
interface WireParts {
  readonly signatures: Uint8Array[];
  readonly header: [number, number, number];
  readonly versioned: boolean;
  readonly keys: Uint8Array[];
  readonly blockhash: Uint8Array;
  readonly instructions: Ix[];
  readonly lookups: { key: Uint8Array; writable: Uint8Array; readonly: Uint8Array; size: number }[];
}

function parseWire(wire: Uint8Array): WireParts {
  const r = new Reader(wire);
  const signatures: Uint8Array[] = [];
  for (let i = r.compactU16(); i > 0; i--) signatures.push(r.take(64));
  let first = r.u8();
  const versioned = (first & 0x80) !== 0;
  if (versioned) first = r.u8();
  const header: [number, number, number] = [first, r.u8(), r.u8()];
  const keys: Uint8Array[] = [];
  for (let i = r.compactU16(); i > 0; i--) keys.push(r.take(32));
  const blockhash = r.take(32);
  const instructions: Ix[] = [];
  for (let i = r.compactU16(); i > 0; i--) {
    const programIdIndex = r.u8();
    const accounts = r.take(r.compactU16());
    const data = r.take(r.compactU16());
    const size =
      (programIdIndex !== 0 ? 1 + varintSize(programIdIndex) : 0) +
      (accounts.length > 0 ? bytesFieldSize(accounts.length) : 0) +
      (data.length > 0 ? bytesFieldSize(data.length) : 0);
    instructions.push({ programIdIndex, accounts, data, size });
  }
  const lookups: WireParts['lookups'] = [];
  if (versioned) {
    for (let i = r.compactU16(); i > 0; i--) {
      const key = r.take(32);
      const writable = r.take(r.compactU16());
      const readonly = r.take(r.compactU16());
      const size =
        bytesFieldSize(key.length) +
        (writable.length > 0 ? bytesFieldSize(writable.length) : 0) +
        (readonly.length > 0 ? bytesFieldSize(readonly.length) : 0);
      lookups.push({ key, writable, readonly, size });
    }
  }
  return { signatures, header, versioned, keys, blockhash, instructions, lookups };
}

/**
 * The log lines as their repeated field (`log_messages` = 6 of TransactionStatusMeta: tag, length, UTF-8 bytes
 * per line) in one latin1 string when every line is ASCII (their UTF-8 bytes are their char codes), so the
 * whole field is written by one native call; `null` when some line is not ASCII.
 */
function asciiLogsField(logs: readonly string[]): string | null {
  const joined = logs.join('');
  if (Buffer.byteLength(joined, 'utf8') !== joined.length) return null;
  let field = '';
  for (const line of logs) {
    field += '\x32'; // tag 50
    for (let n = line.length; ; n = Math.floor(n / 128)) {
      if (n < 0x80) {
        field += String.fromCharCode(n);
        break;
      }
      field += String.fromCharCode((n % 128) | 0x80);
    }
    field += line;
  }
  return field;
}

/** A u32 field (one-byte tag), omitted when 0. */
const u32FieldSize = (value: number) => (value === 0 ? 0 : 1 + varintSize(value));

/**
 * A framed SubscribeUpdate with the `SubscribeUpdateTransaction` (field 4) of `event`, written in place; `body`
 * is that field's bytes (a view), for other subscribers.
 */
function transactionUpdate(event: TransactionEvent, filters: string[]): { body: Uint8Array; framed: Buffer } {
  const tx: TransactionRecord = event.tx;
  const m = parseWire(tx.wire);

  // solana.storage.ConfirmedBlock.Message
  const headerSize = u32FieldSize(m.header[0]) + u32FieldSize(m.header[1]) + u32FieldSize(m.header[2]);
  let messageSize = bytesFieldSize(headerSize) + m.keys.length * bytesFieldSize(32);
  if (m.blockhash.length > 0) messageSize += bytesFieldSize(m.blockhash.length);
  for (const ix of m.instructions) messageSize += bytesFieldSize(ix.size);
  if (m.versioned) messageSize += 2;
  for (const l of m.lookups) messageSize += bytesFieldSize(l.size);
  // solana.storage.ConfirmedBlock.Transaction
  let transactionSize = bytesFieldSize(messageSize);
  for (const s of m.signatures) transactionSize += bytesFieldSize(s.length);

  // solana.storage.ConfirmedBlock.TransactionStatusMeta
  const err = tx.err === null ? null : transactionErrorBincode(tx.err);
  const fee = u64(tx.fee);
  const pre = tx.preBalances.map(u64);
  const post = tx.postBalances.map(u64);
  let preSize = 0;
  for (const v of pre) preSize += u64Size(v);
  let postSize = 0;
  for (const v of post) postSize += u64Size(v);
  const inner = tx.innerInstructions.map((group) => {
    const instructions = group.instructions.map((ix) => ({
      ix,
      size:
        u32FieldSize(ix.programIdIndex) +
        (ix.accounts.length > 0 ? bytesFieldSize(ix.accounts.length) : 0) +
        (ix.data.length > 0 ? bytesFieldSize(ix.data.length) : 0) +
        1 +
        varintSize(ix.stackHeight),
    }));
    let size = u32FieldSize(group.index);
    for (const i of instructions) size += bytesFieldSize(i.size);
    return { index: group.index, instructions, size };
  });
  const asciiLogs = asciiLogsField(tx.logs);
  const logs = asciiLogs === null ? tx.logs.map((line) => Buffer.from(line, 'utf8')) : [];
  const returnData = tx.returnData
    ? { programId: bs58.decode(tx.returnData.programId), data: tx.returnData.data }
    : null;
  const returnDataSize = returnData
    ? (returnData.programId.length > 0 ? bytesFieldSize(returnData.programId.length) : 0) +
      (returnData.data.length > 0 ? bytesFieldSize(returnData.data.length) : 0)
    : 0;
  const units = u64(tx.computeUnitsConsumed);
  let metaSize = 0;
  if (err) metaSize += bytesFieldSize(err.length > 0 ? bytesFieldSize(err.length) : 0);
  metaSize += u64FieldSize(fee) + bytesFieldSize(preSize) + bytesFieldSize(postSize);
  for (const group of inner) metaSize += bytesFieldSize(group.size);
  if (asciiLogs !== null) metaSize += asciiLogs.length;
  for (const line of logs) metaSize += bytesFieldSize(line.length);
  if (returnData) metaSize += bytesFieldSize(returnDataSize);
  else metaSize += 2; // return_data_none = true
  metaSize += 2 + u64Size(units); // compute_units_consumed (field 16): always present

  // geyser.SubscribeUpdateTransactionInfo
  const signature = m.signatures[0]!;
  const index = tx.index;
  const infoSize =
    (signature.length > 0 ? bytesFieldSize(signature.length) : 0) +
    bytesFieldSize(transactionSize) +
    bytesFieldSize(metaSize) +
    u64FieldSize(index);
  const w = beginUpdate(34, bytesFieldSize(infoSize) + u64FieldSize(event.slot), filters);
  const start = w.pos;

  w.open(10, infoSize);
  if (signature.length > 0) w.field(10, signature);
  w.open(26, transactionSize);
  for (const s of m.signatures) w.field(10, s);
  w.open(18, messageSize);
  w.open(10, headerSize);
  w.u64Field(8, m.header[0]);
  w.u64Field(16, m.header[1]);
  w.u64Field(24, m.header[2]);
  for (const key of m.keys) w.field(18, key);
  if (m.blockhash.length > 0) w.field(26, m.blockhash);
  for (const ix of m.instructions) {
    w.open(34, ix.size);
    w.u64Field(8, ix.programIdIndex);
    if (ix.accounts.length > 0) w.field(18, ix.accounts);
    if (ix.data.length > 0) w.field(26, ix.data);
  }
  if (m.versioned) {
    w.byte(40);
    w.byte(1);
  }
  for (const l of m.lookups) {
    w.open(50, l.size);
    w.field(10, l.key);
    if (l.writable.length > 0) w.field(18, l.writable);
    if (l.readonly.length > 0) w.field(26, l.readonly);
  }

  w.open(34, metaSize);
  if (err) {
    w.open(10, err.length > 0 ? bytesFieldSize(err.length) : 0);
    if (err.length > 0) w.field(10, err);
  }
  w.u64Field(16, fee);
  w.open(26, preSize);
  for (const v of pre) w.u64(v);
  w.open(34, postSize);
  for (const v of post) w.u64(v);
  for (const group of inner) {
    w.open(42, group.size);
    w.u64Field(8, group.index);
    for (const { ix, size } of group.instructions) {
      w.open(18, size);
      w.u64Field(8, ix.programIdIndex);
      if (ix.accounts.length > 0) {
        w.open(18, ix.accounts.length);
        for (const a of ix.accounts) w.byte(a & 0xff);
      }
      if (ix.data.length > 0) w.field(26, ix.data);
      w.byte(32);
      w.varint(ix.stackHeight);
    }
  }
  if (asciiLogs !== null) w.pos += w.buf.write(asciiLogs, w.pos, asciiLogs.length, 'latin1');
  for (const line of logs) w.field(50, line);
  if (returnData) {
    w.open(114, returnDataSize);
    if (returnData.programId.length > 0) w.field(10, returnData.programId);
    if (returnData.data.length > 0) w.field(18, returnData.data);
  } else {
    w.byte(120);
    w.byte(1);
  }
  w.byte(128);
  w.byte(1);
  w.u64(units);

  w.u64Field(40, index);
  w.u64Field(16, event.slot);
  // The body stays a view into this update's buffer, which nothing writes to once it is out.
  const body = w.buf.subarray(start, w.pos);
  return { body, framed: endUpdate(w) };
}

// Recent events' encodings, shared by subscribers reading the same events at about the same time (as accounts).
const shared = new RecentBodies<TransactionEvent>(1_024);

/** A framed (gRPC length-prefixed) SubscribeUpdate carrying one transaction update. */
export function encodeTransactionFramed(event: TransactionEvent, filters: string[]): Buffer {
  const cached = shared.get(event);
  if (cached) return frameUpdate(34, cached, filters);
  const { body, framed } = transactionUpdate(event, filters);
  shared.set(event, body);
  return framed;
}
