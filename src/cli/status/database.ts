/** What `choir status` reads from Postgres: migrations, sync_health, sizes and growth (cheap, indexed reads). */
import type pg from 'pg';
import { migrationState } from '../../db/migrations.js';

export interface SyncRow {
  part: string;
  name: string;
  slot: string | null;
  finalizedSlot: string | null;
  backlog: number;
  failing: number;
  dead: number;
  oldestBacklogSeconds: number | null;
  secondsSinceProgress: number | null;
}

export interface DatabaseView {
  readonly migrations: { applied: number; pending: string[]; failed: string[] };
  readonly sync: SyncRow[];
  readonly bytes: number;
  readonly threads: number;
  readonly messages: number;
  /** Messages written in the last 24 hours (an index range read on created_at). */
  readonly messagesLastDay: number;
  /** Sessions neither expired nor revoked. */
  readonly sessions: number;
}

export async function readDatabase(db: pg.Pool): Promise<DatabaseView> {
  const migrations = await migrationState(db);
  const sync = await db.query<{
    part: string;
    name: string;
    slot: string | null;
    finalized_slot: string | null;
    backlog: string;
    failing: string;
    dead: string;
    oldest: number | null;
    since: number | null;
  }>(
    `SELECT part, name, slot, finalized_slot, backlog, failing, dead,
            extract(epoch FROM now() - oldest_backlog_at)::float8 AS oldest, seconds_since_progress AS since
       FROM sync_health ORDER BY part, name`,
  );
  const { rows } = await db.query<{
    bytes: number;
    threads: number;
    messages: number;
    messages_day: number;
    sessions: number;
  }>(
    `SELECT pg_database_size(current_database())::float8 AS bytes,
            ${countRows('threads')} AS threads,
            ${countRows('messages')} AS messages,
            (SELECT count(*) FROM messages WHERE created_at > now() - interval '1 day')::int AS messages_day,
            (SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > now())::int AS sessions`,
  );
  const r = rows[0];
  return {
    migrations: { applied: migrations.applied.length, pending: migrations.pending, failed: migrations.failed },
    sync: sync.rows.map((s) => ({
      part: s.part,
      name: s.name,
      slot: s.slot,
      finalizedSlot: s.finalized_slot,
      backlog: Number(s.backlog),
      failing: Number(s.failing),
      dead: Number(s.dead),
      oldestBacklogSeconds: s.oldest,
      secondsSinceProgress: s.since,
    })),
    bytes: r?.bytes ?? 0,
    threads: r?.threads ?? 0,
    messages: r?.messages ?? 0,
    messagesLastDay: r?.messages_day ?? 0,
    sessions: r?.sessions ?? 0,
  };
}

/** Exact below 100,000 rows; above, the planner's estimate (a count would read the whole table). */
function countRows(table: string): string {
  const estimate = `(SELECT reltuples FROM pg_class WHERE oid = '${table}'::regclass)`;
  return `(CASE WHEN ${estimate} > 100000 THEN ${estimate} ELSE (SELECT count(*) FROM ${table}) END)::float8`;
}
