/** What every role process serves besides its work: /healthz, /readyz and /metrics on PORT. */
import type { Registry } from 'prom-client';
import { createHttpServer, type HttpServer } from '../../api/http-server.js';
import type { Config } from '../../config/index.js';
import type { Database } from '../../db/database.js';
import { postgresReadiness } from '../../db/readiness.js';
import { type ChoirMetrics, choirMetrics } from '../../observability/choir-metrics.js';
import { HealthRegistry, SERVICE_HEALTH } from '../../observability/health.js';
import type { Logger } from '../../observability/logger.js';
import { createMetricsRegistry } from '../../observability/metrics.js';
import { registerPostgresCollector } from '../../observability/postgres-collector.js';

export interface Observed {
  readonly health: HealthRegistry;
  readonly metrics: Registry;
  readonly measures: ChoirMetrics;
  readonly http: HttpServer;
}

export function observe(config: Config, db: Database, logger: Logger, role: string): Observed {
  // As `choir start`: one evaluation per second at most, grace for a dependency that is busy, not down.
  const health = new HealthRegistry(SERVICE_HEALTH);
  const metrics = createMetricsRegistry();
  metrics.setDefaultLabels({ service: 'choir', role });
  const measures = choirMetrics(metrics);
  health.register(postgresReadiness(db.pool));
  registerPostgresCollector(metrics, db.pool, { logger: logger.child({ component: 'metrics' }) });
  const http = createHttpServer({ ...config.server, health, metrics, logger: logger.child({ component: 'http' }) });
  return { health, metrics, measures, http };
}
