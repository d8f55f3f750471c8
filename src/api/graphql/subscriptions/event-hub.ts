/**
 * One LISTEN connection per API process. `appendEvents` NOTIFYs `choir_events` with the last sequence of each
 * committed transaction; the hub reads the new rows once (after its own last sequence, in order) and hands each
 * row to every registered listener in memory. Subscribers never query per event: 10,000 subscriptions cost one
 * read per commit. NOTIFY payloads are only a wake-up: the hub reads "after what I have", so a lost notification
 * (a reconnect) is made up by the next one or by the catch-up read after reconnecting.
 */
import pg from 'pg';
import { EVENT_CHANNEL } from '../../../events/append-events.js';
import type { Logger } from '../../../observability/logger.js';
import { eventsAfter, lastSequence } from '../read/events.js';
import type { EventRecord, Sql } from '../read/records.js';

export type EventListener = (event: EventRecord) => void;

export interface EventHub {
  /** Calls `listener` with every event the hub reads from now on, in sequence order. */
  listen(listener: EventListener): () => void;
  /** The last sequence the hub has delivered. */
  readonly position: bigint;
  readonly listeners: number;
  close(): Promise<void>;
}

const READ_BATCH = 1_000;

export async function startEventHub(options: {
  url: string;
  sql: Sql;
  logger: Logger;
  reconnectMs?: number;
  /** Called with each event before any listener: the API's caches drop what it changed (cache/api-caches.ts). */
  beforeDeliver?: (event: EventRecord) => void;
}): Promise<EventHub> {
  const { sql, logger } = options;
  const listeners = new Set<EventListener>();
  let position = 0n;
  let notified = 0n;
  let reading: Promise<void> | null = null;
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function drain() {
    while (!closed && notified > position) {
      const rows = await eventsAfter(sql, position, READ_BATCH);
      if (rows.length === 0) break;
      for (const e of rows) {
        position = e.sequence;
        // Before delivery: a subscriber that has the event must not read state from before it.
        options.beforeDeliver?.(e);
        for (const l of listeners) {
          try {
            l(e);
          } catch (err) {
            logger.error({ err }, 'event listener failed');
          }
        }
      }
      if (rows.length < READ_BATCH && notified <= position) break;
    }
  }

  function wake(sequence: bigint) {
    if (sequence > notified) notified = sequence;
    if (reading) return;
    reading = drain()
      .catch((err) => logger.warn({ err }, 'reading new events failed; retrying on the next notification'))
      .finally(() => {
        reading = null;
        // A notification that arrived during the read and is not covered yet.
        if (!closed && notified > position) setTimeout(() => wake(notified), 100).unref();
      });
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: options.url, application_name: 'choir-events' });
    c.on('notification', (n) => {
      if (n.channel === EVENT_CHANNEL && n.payload && /^\d+$/.test(n.payload)) wake(BigInt(n.payload));
    });
    c.on('error', (err) => {
      logger.warn({ err }, 'event LISTEN connection failed; reconnecting');
      c.end().catch(() => {});
      if (client === c) client = null;
      schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${EVENT_CHANNEL}`);
    client = c;
    // Anything committed while we were not listening.
    wake(await lastSequence(sql));
  }

  function schedule() {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((err) => {
        logger.warn({ err }, 'event LISTEN reconnect failed');
        schedule();
      });
    }, options.reconnectMs ?? 500);
    retry.unref();
  }

  // Start at the log's tail: subscribers replay older events from Postgres themselves.
  position = await lastSequence(sql);
  notified = position;
  await connect();

  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get position() {
      return position;
    },
    get listeners() {
      return listeners.size;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      listeners.clear();
      await reading;
      await client?.end().catch(() => {});
    },
  };
}
