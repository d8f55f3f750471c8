import type { GeyserServer } from './geyser/server.js';
import type { Ledger } from './ledger/ledger.js';

/** Fault hooks for indexer and pipeline tests. */
export interface DevnetFaults {
  /**
   * Abandons the open slot as a fork: its updates were already streamed at `processed`; it never confirms,
   * Geyser and RPC subscribers get status `dead`, its writes are undone and its transactions disappear.
   * Returns the dead slot.
   */
  abandonSlot(): number;
  /** Ends Geyser streams (all, or the subscriber with this id) with UNAVAILABLE. Returns how many were cut. */
  cutStreams(subscriberId?: number): number;
  /** Ids of the connected Geyser subscribers. */
  subscriberIds(): number[];
  /**
   * Geyser streams stay open but go silent until `resumeStreams`: updates, pongs to client pings and the
   * server's keepalive pings are all held (a hung provider; a client's ping deadline sees it). With
   * `{ keepalive: true }` only updates are held and pings are still answered (a stall, not silence).
   */
  pauseStreams(options?: { keepalive?: boolean }): void;
  /** Sends everything held, in order (no gap, no duplicate), and streams live again. */
  resumeStreams(): void;
  /** Restarts the Geyser server on the same port (every stream is cut). */
  restartGeyser(): Promise<void>;
}

export function createFaults(ledger: Ledger, geyser: GeyserServer): DevnetFaults {
  return {
    abandonSlot: () => ledger.abandonSlot(),
    cutStreams: (id) => geyser.cutStreams(id),
    subscriberIds: () => geyser.subscriberIds(),
    pauseStreams: (options) => geyser.pause(options),
    resumeStreams: () => geyser.resume(),
    restartGeyser: () => geyser.restart(),
  };
}
