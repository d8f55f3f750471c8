/**
 * One Geyser Subscribe stream on the official client, with the indexer's own liveness rules:
 * - client pings every `pingDeadlineMs / 3`; a stream with no message at all (update, server ping or our pong)
 *   for `pingDeadlineMs` is declared dead — a stalled TCP connection never reports an error by itself;
 * - the client's built-in auto-reconnect is NOT used: it would resubscribe without `from_slot` and silently skip
 *   whatever happened meanwhile. Any end of the stream resolves `closed`, and the run loop reconnects from the
 *   cursor.
 * Backpressure: `pause()` stops reading (gRPC flow control then holds the server back), `resume()` continues.
 */
import * as yellowstone from '@triton-one/yellowstone-grpc';
import { ChoirError } from '../../src/errors/index.js';
import type { SourceStream, StreamSource } from './stream-source.js';
import { pingRequest, subscribeRequest } from './subscribe-request.js';

/** A Yellowstone Geyser endpoint as the indexer's source. */
export function yellowstoneSource(endpoint: {
  readonly url: string;
  readonly xToken: string | undefined;
  readonly pingDeadlineMs: number;
}): StreamSource {
  return {
    open: (request) => GeyserStream.open({ ...endpoint, ...request }),
  };
}

export interface GeyserStreamOptions {
  readonly url: string;
  readonly xToken: string | undefined;
  readonly programId: string;
  readonly fromSlot: bigint | null;
  readonly pingDeadlineMs: number;
  readonly onData: (update: unknown) => void;
}

type ClientCtor = new (
  url: string,
  xToken: string | undefined,
  options: Record<string, unknown> | undefined,
) => { connect(): Promise<void>; subscribe(): Promise<unknown> };
// The package's typings describe its default export as the module under NodeNext; at run time it is the class.
const mod = yellowstone as unknown as { default: ClientCtor | { default: ClientCtor } };
const Client: ClientCtor = typeof mod.default === 'function' ? mod.default : mod.default.default;

interface DuplexLike {
  on(event: string, listener: (...args: unknown[]) => void): void;
  write(chunk: unknown, cb?: (err?: Error | null) => void): boolean;
  pause(): void;
  resume(): void;
  destroy(): void;
}

/** Maps how a stream ended onto the taxonomy: replay-window misses are not worth reconnecting to. */
export function streamError(err: unknown): ChoirError {
  const e = err as { message?: string; cause?: { message?: string } };
  const text = `${e?.message ?? ''} ${e?.cause?.message ?? ''}`.trim() || String(err);
  if (/OUT_OF_RANGE|OutOfRange|not available|last available/i.test(text)) {
    return new ChoirError('SOLANA_REPLAY_UNAVAILABLE', `geyser cannot replay that far: ${text}`, { cause: err });
  }
  return new ChoirError('SOLANA_STREAM_FAILED', `geyser stream failed: ${text}`, { cause: err });
}

export class GeyserStream implements SourceStream {
  /** Resolves (never rejects) when the stream is over, with why. */
  readonly closed: Promise<ChoirError>;
  private finish!: (why: ChoirError) => void;
  private stream: DuplexLike | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastMessageAt = Date.now();
  private pingId = 0;
  private done = false;

  private constructor(private readonly o: GeyserStreamOptions) {
    this.closed = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  static async open(o: GeyserStreamOptions): Promise<GeyserStream> {
    const s = new GeyserStream(o);
    // Connecting and subscribing must not hang either: a stalled endpoint gets the same deadline as a silent stream.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no subscription within ${o.pingDeadlineMs * 2} ms`)),
        o.pingDeadlineMs * 2,
      );
    });
    try {
      await Promise.race([s.setUp(o), deadline]);
    } catch (err) {
      s.end(streamError(err));
      throw streamError(err);
    } finally {
      clearTimeout(timer);
    }
    return s;
  }

  private async setUp(o: GeyserStreamOptions): Promise<void> {
    const client = new Client(o.url, o.xToken, { grpcMaxDecodingMessageSize: 64 * 1024 * 1024 });
    await client.connect();
    const stream = (await client.subscribe()) as unknown as DuplexLike;
    this.stream = stream;
    if (this.done) {
      stream.destroy(); // the deadline passed while subscribing
      return;
    }
    stream.on('data', (update) => {
      this.lastMessageAt = Date.now();
      if (!this.done) o.onData(update);
    });
    stream.on('error', (err) => this.end(streamError(err)));
    stream.on('end', () => this.end(new ChoirError('SOLANA_STREAM_FAILED', 'geyser stream ended')));
    stream.on('close', () => this.end(new ChoirError('SOLANA_STREAM_FAILED', 'geyser stream closed')));
    await new Promise<void>((resolve, reject) =>
      stream.write(subscribeRequest(o.programId, o.fromSlot), (err) => (err ? reject(err) : resolve())),
    );
    this.lastMessageAt = Date.now();
    if (this.done) return;
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(o.pingDeadlineMs / 3)));
  }

  private tick(): void {
    if (Date.now() - this.lastMessageAt > this.o.pingDeadlineMs) {
      this.end(new ChoirError('SOLANA_STREAM_FAILED', `geyser stream silent for over ${this.o.pingDeadlineMs} ms`));
      return;
    }
    this.stream?.write(pingRequest(++this.pingId), () => {});
  }

  pause(): void {
    this.stream?.pause();
  }

  resume(): void {
    this.stream?.resume();
  }

  /** Ends the stream (idempotent). */
  end(why: ChoirError = new ChoirError('SOLANA_STREAM_FAILED', 'closed by the indexer')): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearInterval(this.timer);
    try {
      this.stream?.destroy();
    } catch {
      // already torn down
    }
    this.finish(why);
  }
}
