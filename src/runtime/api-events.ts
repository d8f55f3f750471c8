/**
 * An API process's event side, as `choir start` and `choir start --role api` both build it: the read caches, the
 * one LISTEN hub that drops their entries before delivering each event, and the hub's metrics (subscriptions,
 * the `delivered` hop, cache hits).
 */
import type { Registry } from 'prom-client';
import { type ApiCaches, createApiCaches } from '../api/graphql/cache/api-caches.js';
import { registerCacheMetrics } from '../api/graphql/cache/cache-metrics.js';
import { type EventHub, startEventHub } from '../api/graphql/subscriptions/event-hub.js';
import type { ApiSettings } from '../config/sections/api.js';
import { registerEventHubMetrics } from '../observability/event-metrics.js';
import type { Logger } from '../observability/logger.js';
import type { Lifecycle } from './lifecycle.js';

export async function startApiEvents(o: {
  url: string;
  pool: Parameters<typeof startEventHub>[0]['sql'];
  settings: ApiSettings;
  metrics: Registry;
  logger: Logger;
  lifecycle: Lifecycle;
}): Promise<{ events: EventHub; caches: ApiCaches | undefined }> {
  const caches = createApiCaches(o.settings);
  const events = await startEventHub({
    url: o.url,
    sql: o.pool,
    logger: o.logger.child({ component: 'events' }),
    ...(caches ? { beforeDeliver: caches.onEvent } : {}),
  });
  caches?.hubStartedAt(events.position);
  o.lifecycle.onClose('event-hub', () => events.close());
  registerEventHubMetrics(o.metrics, events);
  if (caches) registerCacheMetrics(o.metrics, caches);
  return { events, caches };
}
