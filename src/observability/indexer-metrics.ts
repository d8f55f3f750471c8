/**
 * The indexer's lag and throughput as gauges, read from its status at scrape time, and the `indexed` hop of
 * `choir_state_sync_delay_seconds` from its commits. Registered by whoever runs the indexer (the stack), so the
 * indexer itself only reports what it knows (status, commits).
 */
import { Gauge, type Registry } from 'prom-client';
import type { IndexerStatus } from '../../indexer/index.js';
import { choirMetrics } from './choir-metrics.js';
import { RateWindow } from './rate-window.js';

export interface CommitInfo {
  readonly applied: number;
  readonly arrivedAt: number;
}

/** Registers the gauges; returns the `onCommit` to give `startIndexer` and the rate it feeds (for `choir status`). */
export function registerIndexerMetrics(registry: Registry, status: () => IndexerStatus) {
  const metrics = choirMetrics(registry);
  const rate = new RateWindow(60);
  new Gauge({
    name: 'choir_indexer_lag_slots',
    help: 'Slots the stream has shown beyond what the leading indexer applied (0 on a standby)',
    registers: [registry],
    collect() {
      this.set(status().lagSlots);
    },
  });
  new Gauge({
    name: 'choir_indexer_lag_seconds',
    help: 'How long the oldest received, uncommitted update has waited (0 when caught up)',
    registers: [registry],
    collect() {
      this.set(status().lagSeconds);
    },
  });
  new Gauge({
    name: 'choir_indexer_updates_per_second',
    help: 'Stream updates committed per second over the last minute',
    registers: [registry],
    collect() {
      this.set(rate.perSecond());
    },
  });
  new Gauge({
    name: 'choir_indexer_leader',
    help: '1 while this process leads the indexer stream, 0 while it stands by',
    registers: [registry],
    collect() {
      this.set(status().role === 'leader' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'choir_indexer_reconnects',
    help: 'Geyser stream reconnects since this indexer started',
    registers: [registry],
    collect() {
      this.set(status().reconnects);
    },
  });
  return {
    rate,
    onCommit(info: CommitInfo) {
      rate.add(info.applied);
      metrics.stateSyncDelay.observe({ stage: 'indexed' }, Math.max(0, (Date.now() - info.arrivedAt) / 1000));
    },
  };
}
