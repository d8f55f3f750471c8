/**
 * Where the indexer's updates come from: a subscription to the program's accounts, transactions and slot statuses,
 * replayed from a slot and then live. The Yellowstone gRPC stream is one implementation (yellowstone-source.ts);
 * tests and benchmarks feed an in-memory one (memory-source.ts). Updates are delivered raw — Yellowstone
 * `SubscribeUpdate` objects as the official client decodes them — so the decode stage is the same for every source.
 */
import type { ChoirError } from '../../src/errors/index.js';

export interface SourceRequest {
  readonly programId: string;
  /** Replay from the start of this slot; null: live only. */
  readonly fromSlot: bigint | null;
  /** Called for every update, in stream order, until the stream ends. */
  readonly onData: (update: unknown) => void;
}

/** An open subscription. */
export interface SourceStream {
  /** Resolves (never rejects) when the stream is over, with why. */
  readonly closed: Promise<ChoirError>;
  /** Stops delivering (the source holds the rest back: gRPC flow control, a buffer); `resume` continues. */
  pause(): void;
  resume(): void;
  /** Ends the stream (idempotent); `closed` resolves with `why`. */
  end(why?: ChoirError): void;
}

export interface StreamSource {
  /** Opens a subscription; rejects (with SOLANA_STREAM_FAILED or SOLANA_REPLAY_UNAVAILABLE) if it cannot. */
  open(request: SourceRequest): Promise<SourceStream>;
}
