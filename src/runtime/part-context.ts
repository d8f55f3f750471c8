/**
 * What a process's parts are opened with, in `choir start` and in each role: the settings, the log, the lifecycle
 * that closes each part, and the readiness checks and metrics each part registers.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { ChoirMetrics } from '../observability/choir-metrics.js';
import type { HealthRegistry } from '../observability/health.js';
import type { Logger } from '../observability/logger.js';
import type { Lifecycle } from './lifecycle.js';

export interface PartContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly health: HealthRegistry;
  readonly metrics: Registry;
  readonly measures: ChoirMetrics;
}
