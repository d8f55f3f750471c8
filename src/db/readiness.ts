import type pg from 'pg';
import type { ReadinessCheck } from '../observability/health.js';
import { assertMigrated } from './database.js';
import { ping } from './pool.js';

/** Postgres is ready when it answers and holds every migration this build ships. */
export function postgresReadiness(pool: pg.Pool): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      await ping(pool);
      await assertMigrated(pool);
      return undefined;
    },
  };
}
