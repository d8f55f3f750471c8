import bs58 from 'bs58';

/** What the ledger needs to know about a transaction, read straight from its wire bytes. */
export interface DecodedTransaction {
  readonly wire: Uint8Array;
  readonly signatures: Uint8Array[];
  /** The first signature in base58: the transaction id. */
  readonly signature: string;
  readonly version: 'legacy' | 0;
  readonly header: { numRequiredSignatures: number; numReadonlySigned: number; numReadonlyUnsigned: number };
  readonly accountKeys: string[];
  /** The same keys as bytes (views into `wire`). */
  readonly accountKeyBytes: Uint8Array[];
  /** Parallel to `accountKeys`. Keys loaded through lookup tables are not resolved (static keys only). */
  readonly writable: boolean[];
  readonly recentBlockhash: string;
  readonly instructions: { programIdIndex: number; accounts: number[]; data: Uint8Array }[];
  readonly addressTableLookups: { accountKey: string; writableIndexes: number[]; readonlyIndexes: number[] }[];
  readonly messageBytes: Uint8Array;
}

/**
 * Base58 text as a flat string. bs58 builds its result one character at a time: V8 keeps that as a rope of ~88
 * nodes (kilobytes for a signature) until something reads a character, and the ledger keeps these strings for
 * its whole history. Reading one character makes V8 flatten the rope in place.
 */
export function base58(bytes: Uint8Array): string {
  const text = bs58.encode(bytes);
  text.charCodeAt(0);
  return text;
}

/** Reads a transaction's wire bytes front to back (compact-u16 lengths, byte views); throws when truncated. */
export class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  u8(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw new Error('transaction is truncated');
    this.offset += 1;
    return value;
  }
  compactU16(): number {
    let value = 0;
    for (let shift = 0; shift < 21; shift += 7) {
      const byte = this.u8();
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error('invalid compact-u16');
  }
  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new Error('transaction is truncated');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}

/**
 * Parses a legacy or v0 transaction. Our own parser rather than kit's codecs: it runs for every transaction on
 * the hot path and we only need the fields below. Throws on malformed input (the RPC layer maps that to -32602).
 */
export function decodeTransaction(wire: Uint8Array): DecodedTransaction {
  const r = new Reader(wire);
  const signatureCount = r.compactU16();
  if (signatureCount === 0) throw new Error('transaction has no signatures');
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < signatureCount; i++) signatures.push(r.take(64));
  const messageStart = r.offset;
  const first = r.u8();
  let version: 'legacy' | 0 = 'legacy';
  let numRequiredSignatures = first;
  if (first & 0x80) {
    if ((first & 0x7f) !== 0) throw new Error(`unsupported transaction version ${first & 0x7f}`);
    version = 0;
    numRequiredSignatures = r.u8();
  }
  const numReadonlySigned = r.u8();
  const numReadonlyUnsigned = r.u8();
  const keyCount = r.compactU16();
  const accountKeys: string[] = [];
  const accountKeyBytes: Uint8Array[] = [];
  for (let i = 0; i < keyCount; i++) {
    const key = r.take(32);
    accountKeyBytes.push(key);
    accountKeys.push(base58(key));
  }
  const recentBlockhash = bs58.encode(r.take(32));
  const instructionCount = r.compactU16();
  const instructions: DecodedTransaction['instructions'] = [];
  for (let i = 0; i < instructionCount; i++) {
    const programIdIndex = r.u8();
    const accounts = Array.from(r.take(r.compactU16()));
    const data = r.take(r.compactU16());
    if (programIdIndex >= keyCount) throw new Error('instruction program index out of range');
    instructions.push({ programIdIndex, accounts, data });
  }
  const addressTableLookups: DecodedTransaction['addressTableLookups'] = [];
  if (version === 0) {
    const lookupCount = r.compactU16();
    for (let i = 0; i < lookupCount; i++) {
      const accountKey = bs58.encode(r.take(32));
      const writableIndexes = Array.from(r.take(r.compactU16()));
      const readonlyIndexes = Array.from(r.take(r.compactU16()));
      addressTableLookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  if (!r.done) throw new Error('transaction has trailing bytes');
  if (signatureCount !== numRequiredSignatures) throw new Error('signature count does not match the message header');
  if (numRequiredSignatures > keyCount) throw new Error('more signers than account keys');
  const writable = accountKeys.map((_, i) =>
    i < numRequiredSignatures ? i < numRequiredSignatures - numReadonlySigned : i < keyCount - numReadonlyUnsigned,
  );
  return {
    wire,
    signatures,
    signature: base58(signatures[0]!),
    version,
    header: { numRequiredSignatures, numReadonlySigned, numReadonlyUnsigned },
    accountKeys,
    accountKeyBytes,
    writable,
    recentBlockhash,
    instructions,
    addressTableLookups,
    messageBytes: wire.subarray(messageStart),
  };
}

/** The fee-relevant head of a serialized message (for `getFeeForMessage`). */
export function decodeMessageHeader(message: Uint8Array): { numRequiredSignatures: number; recentBlockhash: string } {
  const r = new Reader(message);
  const first = r.u8();
  let numRequiredSignatures = first;
  if (first & 0x80) numRequiredSignatures = r.u8();
  r.u8();
  r.u8();
  const keyCount = r.compactU16();
  r.take(32 * keyCount);
  return { numRequiredSignatures, recentBlockhash: bs58.encode(r.take(32)) };
}

/** The first signature of a serialized transaction, as a view into it (after the compact-u16 count). */
export function firstSignature(wire: Uint8Array): Uint8Array {
  const r = new Reader(wire);
  r.compactU16();
  return r.take(64);
}

/**
 * The bytes of one of a transaction's static account keys (a view into its wire), found by its base58 text;
 * undefined for a key the message does not list (one loaded through a lookup table).
 */
export function staticKeyBytes(
  wire: Uint8Array,
  accountKeys: readonly string[],
  pubkey: string,
): Uint8Array | undefined {
  const index = accountKeys.indexOf(pubkey);
  if (index < 0) return undefined;
  const r = new Reader(wire);
  r.take(64 * r.compactU16());
  if (r.u8() & 0x80) r.u8();
  r.u8();
  r.u8();
  if (index >= r.compactU16()) return undefined;
  r.take(32 * index);
  return r.take(32);
}
