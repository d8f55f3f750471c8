/**
 * Subscription-side measures an API process can take from its event hub alone: how many subscriptions listen
 * (each holds one hub listener) and the `delivered` hop of `choir_state_sync_delay_seconds` — from the event's row
 * being written (`events.created_at`, the writing transaction's start) to this process reading it for its
 * subscribers.
 */
import { Gauge, type Registry } from 'prom-client';
import { choirMetrics } from './choir-metrics.js';

export interface HubLike {
  listen(listener: (event: { createdAt: Date | string }) => void): () => void;
  readonly listeners: number;
}

export function registerEventHubMetrics(registry: Registry, hub: HubLike): () => void {
  const metrics = choirMetrics(registry);
  const stop = hub.listen((event) => {
    const at = event.createdAt instanceof Date ? event.createdAt.getTime() : Date.parse(event.createdAt);
    if (Number.isFinite(at))
      metrics.stateSyncDelay.observe({ stage: 'delivered' }, Math.max(0, (Date.now() - at) / 1000));
  });
  new Gauge({
    name: 'choir_api_subscriptions_active',
    help: 'GraphQL subscriptions open on this API process',
    registers: [registry],
    collect() {
      // This module's own listener is not a subscription.
      this.set(Math.max(0, hub.listeners - 1));
    },
  });
  return stop;
}
