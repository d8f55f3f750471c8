import type { ServerDuplexStream } from '@grpc/grpc-js';

/** Several gRPC messages, each already framed (flag byte + u32 length + body), written to HTTP/2 as one chunk. */
export class FramedBatch {
  constructor(readonly bytes: Buffer) {}
}

interface SerializingCall {
  serializeMessage(value: unknown): Buffer;
}

/**
 * Lets a Subscribe call write a `FramedBatch` as is, so many small updates go out in a few large HTTP/2 DATA
 * frames. Without it grpc-js sends one DATA frame per message, and the official client's HTTP/2 stack (h2 ≥ 0.4.16)
 * closes the connection with ENHANCE_YOUR_CALM "too_many_data_frames" when thousands of small frames arrive
 * faster than it drains them. This patches one call object of grpc-js's internals; when their shape is not the
 * expected one it does nothing and returns false (the subscriber then writes message by message).
 */
export function enableBatchedWrites(call: ServerDuplexStream<unknown, unknown>): boolean {
  // Without server interceptors `call.call` is grpc-js's base call; with them, the base call is its `nextCall`.
  let inner = (call as unknown as { call?: Partial<SerializingCall> & { nextCall?: unknown } }).call as
    | (Partial<SerializingCall> & { nextCall?: unknown })
    | undefined;
  while (inner && typeof inner.serializeMessage !== 'function' && inner.nextCall) {
    inner = inner.nextCall as Partial<SerializingCall> & { nextCall?: unknown };
  }
  if (!inner || typeof inner.serializeMessage !== 'function') return false;
  const original = inner.serializeMessage.bind(inner);
  inner.serializeMessage = (value: unknown) => (value instanceof FramedBatch ? value.bytes : original(value));
  return true;
}

/** A message with its gRPC length prefix (uncompressed). */
export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(message.length + 5);
  out.writeUInt8(0, 0);
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}
