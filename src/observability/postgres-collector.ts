/**
 * Gauges read from Postgres at scrape time: outbox depth and oldest waiting age per kind, database size, active
 * sessions. One round of two cheap statements per scrape (the outbox query reads only waiting, running and dead
 * items through the (state, next_attempt_at) index; nothing scans messages), shared by every gauge of the scrape
 * and bounded by a timeout: a slow database shows in /readyz, it must not hang /metrics.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

interface Queryable {
  query(text: string): Promise<{ rows: unknown[] }>;
}

interface Snapshot {
  outbox: { kind: string; state: string; n: number; oldest: number | null }[];
  databaseBytes: number;
  sessions: number;
}

const OUTBOX_SQL = `
SELECT kind, state::text AS state, count(*)::int AS n,
       extract(epoch FROM now() - min(CASE WHEN attempts = 0 THEN updated_at ELSE created_at END))::float8 AS oldest
  FROM outbox WHERE state IN ('PENDING', 'RUNNING', 'DEAD') GROUP BY 1, 2`;
const SIZE_SQL = `
SELECT pg_database_size(current_database())::float8 AS bytes,
       (SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > now())::int AS sessions`;

/** The kinds the write path and the indexer use: always reported, 0 when idle, so dashboards show a flat line. */
const KNOWN_KINDS = ['message.submit', 'chain.relay', 'vector.payload'];

export function registerPostgresCollector(
  registry: Registry,
  db: Queryable,
  options: { logger: Logger; timeoutMs?: number; maxAgeMs?: number },
): void {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  let last: { at: number; snapshot: Promise<Snapshot | null> } | null = null;
  const kinds = new Set(KNOWN_KINDS);

  const read = async (): Promise<Snapshot | null> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const [outbox, size] = await Promise.race([Promise.all([db.query(OUTBOX_SQL), db.query(SIZE_SQL)]), timeout]);
      const totals = size.rows[0] as { bytes: number; sessions: number } | undefined;
      return {
        outbox: outbox.rows as Snapshot['outbox'],
        databaseBytes: totals?.bytes ?? 0,
        sessions: totals?.sessions ?? 0,
      };
    } catch (err) {
      options.logger.debug({ err }, 'metrics: postgres collector failed; keeping the last values');
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
  const snapshot = () => {
    if (!last || Date.now() - last.at > maxAgeMs) last = { at: Date.now(), snapshot: read() };
    return last.snapshot;
  };

  new Gauge({
    name: 'choir_outbox_depth',
    help: 'Outbox items per kind and state (PENDING and RUNNING: work waiting; DEAD: given up, needs an operator)',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (!s) return;
      for (const row of s.outbox) kinds.add(row.kind);
      for (const kind of kinds) {
        for (const state of ['PENDING', 'RUNNING', 'DEAD']) {
          this.set({ kind, state }, s.outbox.find((r) => r.kind === kind && r.state === state)?.n ?? 0);
        }
      }
    },
  });
  new Gauge({
    name: 'choir_outbox_oldest_age_seconds',
    help: 'Age of the oldest waiting (PENDING or RUNNING) outbox item per kind; 0 when none waits',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (!s) return;
      for (const row of s.outbox) kinds.add(row.kind);
      for (const kind of kinds) {
        const ages = s.outbox.filter((r) => r.kind === kind && r.state !== 'DEAD').map((r) => r.oldest ?? 0);
        this.set({ kind }, ages.length ? Math.max(0, ...ages) : 0);
      }
    },
  });
  new Gauge({
    name: 'choir_database_bytes',
    help: "Size of choir's Postgres database on disk",
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (s) this.set(s.databaseBytes);
    },
  });
  new Gauge({
    name: 'choir_api_sessions_active',
    help: 'Wallet sign-in sessions neither expired nor revoked (all API processes)',
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (s) this.set(s.sessions);
    },
  });
}
