/**
 * The API's read replica (DATABASE_READ_URL): a second pg pool that read-only queries use, so reads scale on
 * replicas while the primary takes the writes. Its readiness check is its own dependency (`postgres-replica`) and
 * reports how far the replica's replay is behind when the server is a streaming replica.
 */
import type pg from 'pg';
import type { DatabaseSettings } from '../config/sections/database.js';
import type { ReadinessCheck } from '../observability/health.js';
import { assertMigrated } from './database.js';
import { createPool, ping } from './pool.js';

export interface ReadReplica {
  readonly url: string;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** The replica's pool when DATABASE_READ_URL is set; undefined otherwise (one pool serves everything). */
export function openReadReplica(settings: Pick<DatabaseSettings, 'readUrl' | 'poolSize'>): ReadReplica | undefined {
  if (!settings.readUrl) return undefined;
  // Not probed at start: a replica that is down makes the API's reads fail and /readyz say so, nothing else.
  const pool = createPool({ url: settings.readUrl, size: settings.poolSize, applicationName: 'choir-read' });
  return { url: settings.readUrl, pool, close: () => pool.end().catch(() => {}) };
}

/** Ready when the replica answers and holds this build's migrations; details: replay lag on a streaming replica. */
export function replicaReadiness(pool: pg.Pool): ReadinessCheck {
  return {
    name: 'postgres-replica',
    async check() {
      await ping(pool);
      await assertMigrated(pool);
      const { rows } = await pool.query<{ replica: boolean; lag: number | null }>(
        `SELECT pg_is_in_recovery() AS replica,
                extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag`,
      );
      const r = rows[0];
      return r?.replica ? { streaming: true, replayLagSeconds: r.lag } : { streaming: false };
    },
  };
}
