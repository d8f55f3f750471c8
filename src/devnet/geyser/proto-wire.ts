/**
 * Hand-written protobuf helpers for the hot paths (account and transaction updates): sizes computed first, then
 * one buffer written front to back. The bytes are those of the client's ts-proto codecs (proto3: defaults
 * omitted, repeated scalars packed, fields in number order); the tests compare both encodings.
 */

export function varintSize(value: number): number {
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

/** A u64 as varint: numbers while they are exact, bytes (precomputed for u64::MAX rent epochs) beyond. */
export type U64 = number | Uint8Array;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const big = new Map<bigint, Uint8Array>();
export function u64(value: bigint): U64 {
  if (value <= MAX_SAFE) return Number(value);
  let bytes = big.get(value);
  if (!bytes) {
    bytes = varintBytes(value);
    if (big.size > 1_000) big.clear();
    big.set(value, bytes);
  }
  return bytes;
}
export function u64Size(value: U64): number {
  return typeof value === 'number' ? varintSize(value) : value.length;
}
/** Bytes of a proto3 u64 field; 0 is the default and is omitted. */
export function u64FieldSize(value: U64): number {
  return value === 0 ? 0 : 1 + u64Size(value);
}
/** Bytes of a length-delimited field (one-byte tag) with `length` bytes of payload. */
export function bytesFieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

export class Writer {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }
  byte(value: number): void {
    this.buf[this.pos++] = value;
  }
  varint(value: number): void {
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
  }
  u64(value: U64): void {
    if (typeof value === 'number') this.varint(value);
    else this.raw(value);
  }
  /** A u64 field (one-byte tag), omitted when 0. */
  u64Field(tag: number, value: U64): void {
    if (value === 0) return;
    this.buf[this.pos++] = tag;
    this.u64(value);
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
  /** Tag and length of a nested message (one-byte tag). */
  open(tag: number, length: number): void {
    this.buf[this.pos++] = tag;
    this.varint(length);
  }
}

// Filter names repeat on every update of a subscription.
const nameCache = new Map<string, Buffer>();
function nameBytes(name: string): Buffer {
  let bytes = nameCache.get(name);
  if (!bytes) {
    bytes = Buffer.from(name, 'utf8');
    if (nameCache.size >= 1_000) nameCache.clear();
    nameCache.set(name, bytes);
  }
  return bytes;
}

/** A SubscribeUpdate being written: its body goes at `pos`, then `endUpdate` adds the timestamp. */
export class UpdateWriter extends Writer {
  constructor(
    buf: Buffer,
    start: number,
    readonly seconds: number,
    readonly nanos: number,
    readonly timestampLength: number,
  ) {
    super(buf, start);
  }
}

/**
 * Starts a framed (gRPC length-prefixed) `SubscribeUpdate{filters=1, <tag>=body, created_at=11}` with room for
 * `bodyLength` bytes of body, to be written at the returned writer's position, then `endUpdate`. One buffer per
 * update: the body is written in place rather than built apart and copied.
 */
export function beginUpdate(tag: number, bodyLength: number, filters: string[]): UpdateWriter {
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  const nanos = (now % 1000) * 1_000_000;
  // google.protobuf.Timestamp{seconds=1, nanos=2}: zeros omitted, as the codec does.
  const timestampLength = (seconds > 0 ? 1 + varintSize(seconds) : 0) + (nanos > 0 ? 1 + varintSize(nanos) : 0);
  const names = filters.map(nameBytes);
  let size = 0;
  for (const name of names) size += bytesFieldSize(name.length);
  size += bytesFieldSize(bodyLength);
  size += bytesFieldSize(timestampLength);
  const out = Buffer.allocUnsafe(5 + size);
  out[0] = 0;
  out.writeUInt32BE(size, 1);
  const w = new UpdateWriter(out, 5, seconds, nanos, timestampLength);
  for (const name of names) w.field(10, name);
  w.open(tag, bodyLength);
  return w;
}

/** Writes the timestamp and returns the framed update. */
export function endUpdate(w: UpdateWriter): Buffer {
  w.byte(90);
  w.varint(w.timestampLength);
  if (w.seconds > 0) {
    w.byte(8);
    w.varint(w.seconds);
  }
  if (w.nanos > 0) {
    w.byte(16);
    w.varint(w.nanos);
  }
  if (w.pos !== w.buf.length) throw new Error(`update encoding size mismatch: ${w.pos} != ${w.buf.length}`);
  return w.buf;
}

/** A framed SubscribeUpdate around an already encoded body (one another subscriber's update already carried). */
export function frameUpdate(tag: number, body: Uint8Array, filters: string[]): Buffer {
  const w = beginUpdate(tag, body.length, filters);
  w.raw(body);
  return endUpdate(w);
}

/**
 * Recent events' encoded bodies, for subscribers reading the same events at about the same time: a direct-mapped
 * table by log sequence number (no hashing, nothing allocated per entry), checked by event identity. Not a
 * WeakMap over the whole history: hundreds of thousands of weak entries slow every GC.
 */
export class RecentBodies<E extends { readonly seq: number }> {
  private readonly events: (E | undefined)[];
  private readonly bodies: (Uint8Array | undefined)[];
  private readonly mask: number;

  /** `size`: a power of two. */
  constructor(size: number) {
    this.events = new Array<E | undefined>(size).fill(undefined);
    this.bodies = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  get(event: E): Uint8Array | undefined {
    const i = event.seq & this.mask;
    return this.events[i] === event ? this.bodies[i] : undefined;
  }

  set(event: E, body: Uint8Array): void {
    const i = event.seq & this.mask;
    this.events[i] = event;
    this.bodies[i] = body;
  }
}
