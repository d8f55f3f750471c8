/**
 * Migrations: the SQL files under prisma/migrations, applied with `prisma migrate deploy` (through the JS driver
 * adapter in prisma/migrate-adapter.ts), and a cheap check of whether a database has them all — what `/readyz` asks.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { ChoirError } from '../errors/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const migrationsDir = join(root, 'prisma', 'migrations');

/** Names of the migrations this build ships, oldest first. */
export function shippedMigrations(): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Applies pending migrations to the database at `url`. Returns the CLI's output for logging. */
export async function applyMigrations(url: string): Promise<string> {
  const child = spawn(process.execPath, [join(root, 'bin', 'prisma.js'), 'migrate', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) {
    const reason = output.trim().split('\n').slice(-6).join(' | ');
    throw new ChoirError('DATABASE_NOT_MIGRATED', `prisma migrate deploy failed (exit ${code}): ${reason}`);
  }
  return output;
}

export interface MigrationState {
  applied: string[];
  pending: string[];
  failed: string[];
}

/** Which shipped migrations the database has applied, lacks, or holds as failed. */
export async function migrationState(db: Pick<pg.Pool, 'query'>): Promise<MigrationState> {
  const shipped = shippedMigrations();
  const exists = await db.query<{ present: boolean }>(
    `SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return { applied: [], pending: shipped, failed: [] };
  const { rows } = await db.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
    `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
       FROM _prisma_migrations`,
  );
  const applied = new Set(rows.filter((r) => r.finished && !r.rolled_back).map((r) => r.migration_name));
  const failed = rows.filter((r) => !r.finished && !r.rolled_back).map((r) => r.migration_name);
  return {
    applied: shipped.filter((m) => applied.has(m)),
    pending: shipped.filter((m) => !applied.has(m)),
    failed,
  };
}
