/**
 * Migrations: the SQL files under prisma/migrations, applied with `prisma migrate deploy` (through the JS driver
 * adapter in prisma/migrate-adapter.ts), and a cheap check of whether a database has them all — what `/readyz` asks.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * Applies pending migrations to the database at `url`. Returns the CLI's output for logging. `upTo` stops after
 * that migration (the database then looks like one an older build migrated: upgrade tests start from it).
 */
export async function applyMigrations(url: string, options: { upTo?: string } = {}): Promise<string> {
  let partial: string | undefined;
  if (options.upTo !== undefined) {
    const upTo = options.upTo;
    if (!shippedMigrations().includes(upTo)) throw new ChoirError('BAD_USER_INPUT', `no migration named ${upTo}`);
    partial = mkdtempSync(join(tmpdir(), 'choir-migrations-'));
    for (const name of [...shippedMigrations().filter((m) => m <= upTo), 'migration_lock.toml']) {
      cpSync(join(migrationsDir, name), join(partial, name), { recursive: true });
    }
  }
  try {
    return await runMigrateDeploy(url, partial);
  } finally {
    if (partial) rmSync(partial, { recursive: true, force: true });
  }
}

async function runMigrateDeploy(url: string, migrationsPath: string | undefined): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  if (migrationsPath) env.CHOIR_MIGRATIONS_PATH = migrationsPath;
  else delete env.CHOIR_MIGRATIONS_PATH;
  const child = spawn(process.execPath, [join(root, 'bin', 'prisma.js'), 'migrate', 'deploy'], {
    cwd: root,
    env,
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
