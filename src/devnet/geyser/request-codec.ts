import {
  SubscribeRequest,
  SubscribeRequestFilterAccounts,
  SubscribeRequestFilterBlocks,
  SubscribeRequestFilterBlocksMeta,
  SubscribeRequestFilterEntry,
  SubscribeRequestFilterSlots,
  SubscribeRequestFilterTransactions,
} from '@triton-one/yellowstone-grpc';

type MapField = 'accounts' | 'slots' | 'transactions' | 'transactionsStatus' | 'blocks' | 'blocksMeta' | 'entry';

// Field numbers of SubscribeRequest's filter maps, and an empty filter of each map's value type.
const MAP_FIELDS: Record<number, [MapField, () => object]> = {
  1: ['accounts', () => SubscribeRequestFilterAccounts.fromPartial({})],
  2: ['slots', () => SubscribeRequestFilterSlots.fromPartial({})],
  3: ['transactions', () => SubscribeRequestFilterTransactions.fromPartial({})],
  10: ['transactionsStatus', () => SubscribeRequestFilterTransactions.fromPartial({})],
  4: ['blocks', () => SubscribeRequestFilterBlocks.fromPartial({})],
  5: ['blocksMeta', () => SubscribeRequestFilterBlocksMeta.fromPartial({})],
  8: ['entry', () => SubscribeRequestFilterEntry.fromPartial({})],
};

class Reader {
  pos = 0;
  readonly end: number;
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array, end?: number) {
    this.bytes = bytes;
    this.end = end ?? bytes.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.bytes[this.pos++]!;
      if (shift < 28) result |= (byte & 0x7f) << shift;
      else result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) {
      const length = this.varint();
      this.pos += length;
    } else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('truncated field');
  }
}

/** Keys of map entries that carry no value at all (the Rust client's encoding of an empty filter). */
function emptyEntries(bytes: Uint8Array): { field: number; key: string }[] {
  const found: { field: number; key: string }[] = [];
  const r = new Reader(bytes);
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType !== 2 || !(field in MAP_FIELDS)) {
      r.skip(wireType);
      continue;
    }
    const length = r.varint();
    const entry = new Reader(bytes, r.pos + length);
    entry.pos = r.pos;
    let key = '';
    let hasValue = false;
    while (entry.pos < entry.end) {
      const entryTag = entry.varint();
      if (entryTag >>> 3 === 1 && (entryTag & 7) === 2) {
        const keyLength = entry.varint();
        key = Buffer.from(bytes.subarray(entry.pos, entry.pos + keyLength)).toString('utf8');
        entry.pos += keyLength;
      } else {
        if (entryTag >>> 3 === 2) hasValue = true;
        entry.skip(entryTag & 7);
      }
    }
    if (!hasValue) found.push({ field, key });
    r.pos += length;
  }
  return found;
}

/**
 * Decodes a SubscribeRequest with the client's ts-proto codec, then restores map entries that have no value: the
 * official (Rust) client encodes an empty filter such as `slots: { s: {} }` as a key alone, which ts-proto drops.
 */
export function decodeSubscribeRequest(bytes: Uint8Array): SubscribeRequest {
  const request = SubscribeRequest.decode(bytes);
  for (const { field, key } of emptyEntries(bytes)) {
    const [name, empty] = MAP_FIELDS[field]!;
    const map = request[name] as Record<string, object>;
    if (!(key in map)) map[key] = empty();
  }
  return request;
}
