/**
 * What a thread store reads from: the API (graphql-source.ts) or, in unit tests, an in-memory server. Reads return
 * the server's state at some moment at or after the call; `events` delivers the thread's log in order from `after()`
 * until it fails or completes (the store resumes it, reading `after()` again).
 */
import type { ChoirError } from '../../errors/index.js';
import type { ServerMessage, ThreadEvent, ThreadHeader } from './types.js';

export interface ThreadSnapshot {
  thread: ThreadHeader;
  messages: ServerMessage[];
  /**
   * Where the thread's log stood when the snapshot was read (never later than any of its rows): `count` events,
   * the last at `cursor`. Only from sources with `snapshotLog`.
   */
  log?: { count: number; cursor: string | null };
}

export interface EventStreamHandlers {
  next(event: ThreadEvent): void;
  /** The stream ended with an error; the store decides when to open another. */
  error(error: ChoirError): void;
  /** The stream ended normally (the server completed it). */
  complete(): void;
  /** The connection under the stream dropped (true) or is back (false), while the stream itself stays open. */
  disconnected?(down: boolean): void;
}

export interface ThreadSource {
  /** Snapshots carry `log`: the store needs no count before them and subscribes from their cursor. */
  readonly snapshotLog?: boolean;
  /** How many events the thread's log holds (its highest threadSequence). */
  eventCount(thread: string): Promise<number>;
  /** The thread with every message and vote; null when the API does not know the thread (yet). */
  snapshot(thread: string): Promise<ThreadSnapshot | null>;
  header(thread: string): Promise<ThreadHeader | null>;
  message(address: string): Promise<ServerMessage | null>;
  events(thread: string, after: () => string | null, handlers: EventStreamHandlers): () => void;
}
