/**
 * The loop that drains one kind of outbox item: claim a batch, hand it to the handler, complete or fail it.
 * A handler failure (an outage of whatever the items write to) fails the whole batch with backoff; the items
 * stay in Postgres, so an outage delays the work and never loses it.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { sleep } from '../../errors/retry.js';
import { type FlowIds, flowOf, runInFlow } from '../../observability/flow.js';
import type { Logger } from '../../observability/logger.js';
import { type ClaimedItem, claim, complete, type FailOptions, fail } from './outbox.js';

/**
 * Set `details[NOT_YET]` on an error a handler throws to wait for something expected (another part catching up):
 * the batch is retried with backoff like any failure, but logged at debug level, not as a warning.
 */
export const NOT_YET = 'notYet';

export interface OutboxWorkerOptions<P> {
  readonly pool: pg.Pool;
  readonly kind: string;
  readonly handle: (items: readonly ClaimedItem<P>[]) => Promise<void>;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  /** Wait between polls when the queue is empty. */
  readonly idleMs?: number;
  readonly retry?: Partial<FailOptions>;
  /**
   * After a wake-up (an enqueue), wait this long before claiming so items arriving together are handled as one
   * batch (default 0: claim at once). Polls and full batches do not wait.
   */
  readonly lingerMs?: number;
  readonly onBatch?: (outcome: { done: number; failed: number }) => void;
}

export interface OutboxWorker {
  /** Claims and handles one batch now; returns how many items it handled. */
  runOnce(): Promise<number>;
  /** Wakes the loop (e.g. after enqueueing); false when it was not waiting (busy with a batch, or stopped). */
  wake(): boolean;
  stop(): Promise<void>;
}

export function startOutboxWorker<P>(o: OutboxWorkerOptions<P>): OutboxWorker {
  const worker = `${o.kind}:${randomUUID()}`;
  const retry: FailOptions = { maxAttempts: 20, baseDelayMs: 500, maxDelayMs: 30_000, ...o.retry };
  const log = o.logger.child({ component: 'outbox', kind: o.kind });
  let stopped = false;
  let wakeUp: (() => void) | null = null;

  async function runOnce(): Promise<number> {
    const items = await claim<P>(o.pool, {
      kind: o.kind,
      worker,
      limit: o.batchSize ?? 256,
      leaseMs: o.leaseMs ?? 60_000,
    });
    if (items.length === 0) return 0;
    // A batch of one runs in its request's flow (handlers of larger batches log per item in each item's flow).
    const flow: FlowIds = items.length === 1 ? flowOf(items[0]?.payload) : {};
    return runInFlow(flow, () => handleClaimed(items));
  }

  async function handleClaimed(items: ClaimedItem<P>[]): Promise<number> {
    try {
      await o.handle(items);
      await complete(o.pool, items);
      o.onBatch?.({ done: items.length, failed: 0 });
    } catch (err) {
      const waiting = (err as { details?: Record<string, unknown> }).details?.[NOT_YET] === true;
      if (waiting) log.debug({ err, items: items.length }, 'outbox batch waits; will retry with backoff');
      else log.warn({ err, items: items.length }, 'outbox batch failed; will retry with backoff');
      await fail(o.pool, items, (err as Error).message ?? String(err), retry);
      o.onBatch?.({ done: 0, failed: items.length });
    }
    return items.length;
  }

  const loop = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await runOnce();
      } catch (err) {
        log.warn({ err }, 'outbox poll failed');
      }
      if (handled === 0 && !stopped) {
        const woken = await Promise.race([
          sleep(o.idleMs ?? 250).then(() => false),
          new Promise<boolean>((r) => (wakeUp = () => r(true))),
        ]);
        wakeUp = null;
        if (woken && o.lingerMs && !stopped) await sleep(o.lingerMs);
      }
    }
  })();

  return {
    runOnce,
    wake: () => {
      if (!wakeUp) return false;
      wakeUp();
      return true;
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}
