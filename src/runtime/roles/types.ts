import type { Registry } from 'prom-client';
import type { Database } from '../../db/database.js';
import type { HealthRegistry } from '../../observability/health.js';

export const ROLES = ['api', 'indexer', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface RunningRole {
  readonly role: Role;
  /** Where this process serves /healthz, /readyz, /metrics (and /graphql for the api role). */
  readonly url: string;
  readonly db: Database;
  readonly health: HealthRegistry;
  readonly metrics: Registry;
  /** Resolves with an error message when the role stops by itself for good (a fatal indexer error). */
  readonly stopped: Promise<string>;
}
