import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per process (tests create their own). Components register their metrics on it; `/metrics`
 * serves it. Metric names are prefixed `choir_`.
 */
export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'choir' });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'choir_' });
  return registry;
}
