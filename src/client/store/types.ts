/**
 * The thread store's shapes. Server shapes come from codegen (the Store* fragments in operations/store.graphql);
 * the store adds only its own bookkeeping (optimistic flags, rollback reasons, phase).
 */
import type { ChoirError } from '../../errors/index.js';
import type {
  MessageStatus,
  StoreEventFragment,
  StoreMessageFragment,
  StoreThreadFragment,
} from '../generated/graphql.js';

export type ThreadEvent = StoreEventFragment;
export type ThreadHeader = StoreThreadFragment;
export type ServerMessage = StoreMessageFragment;

/** A message as the store holds it: the server's fields plus what the client knows that the server does not. */
export interface MessageEntry extends Omit<ServerMessage, 'votes' | 'rollbackReason'> {
  /** voter → approve, as the server's votes. */
  readonly votes: Readonly<Record<string, boolean>>;
  /**
   * Why it was rolled back (a taxonomy code such as NOT_CO_AUTHOR): from MessageRolledBack, a failed mutation, or
   * the server's Message.rollbackReason after a reload.
   */
  readonly reason: string | null;
  /**
   * Client-only state: `sending` until the mutation answers, `rejected` when it failed (the server never held it).
   * Undefined for anything the server holds.
   */
  readonly local?: 'sending' | 'rejected';
}

/** Where the store stands: shown by UIs (a reconnecting banner, a spinner on reload). */
export type StorePhase = 'loading' | 'live' | 'reconnecting' | 'reloading' | 'missing' | 'closed';

/** An immutable view of one thread: what UIs render (React: useSyncExternalStore(store.subscribe, store.getSnapshot)). */
export interface ThreadView {
  readonly address: string;
  readonly phase: StorePhase;
  readonly thread: ThreadHeader | null;
  /** Oldest first (creation time, then address). */
  readonly messages: readonly MessageEntry[];
  /** Cursor of the last event applied or skipped as already reflected: where a resumed subscription starts. */
  readonly cursor: string | null;
  /** threadSequence of that event (the thread's log runs 1, 2, 3, … without gaps). */
  readonly threadSequence: number;
  /** The last error the store recovered from or is recovering from (Network: reconnecting; State: reloading). */
  readonly error: ChoirError | null;
  readonly reloads: number;
  readonly reconnects: number;
  /** The last events applied (newest last), for views that show the live stream. */
  readonly recentEvents: readonly ThreadEvent[];
}

/** Statuses ordered along the pipeline; ROLLED_BACK is off the line (see reducer.ts). */
export const STATUS_RANK: Record<MessageStatus, number> = {
  PENDING: 0,
  STORED: 1,
  RECORDED: 2,
  CONFIRMED: 3,
  FINALIZED: 4,
  ROLLED_BACK: -1,
};

export interface ThreadStoreOptions {
  /** Resubscribe and re-read delays: exponential with jitter (src/errors/retry.ts backoffDelay). */
  reconnect?: { baseDelayMs: number; maxDelayMs: number; random?: () => number };
  /** How long reads of unreported fields wait to be batched with others (ms). */
  readDelayMs?: number;
  /** Reads in flight at once. */
  readConcurrency?: number;
  /**
   * How often a live store asks the API how long the thread's log is (ms; 0: never). A log still longer than what
   * the stream delivered at the next check means the stream stalled or lost its last events: it is reopened from
   * the cursor, and the server replays what is missing. Default 30 s.
   */
  verifyIntervalMs?: number;
  /** Every error the store meets (it recovers by itself; this is for logs and metrics). */
  onError?: (error: ChoirError) => void;
}
