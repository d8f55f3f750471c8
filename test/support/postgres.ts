/**
 * Test databases on the machine's real Postgres (127.0.0.1:5432, trust auth; TEST_PG_URL overrides). Every test
 * file gets its own database. Migrated databases are cloned from a template that is built once per migration set
 * (named by a hash of prisma/migrations), so a test does not pay for `prisma migrate deploy` each time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations, migrationsDir } from '../../src/db/migrations.js';

export const adminUrl = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh random database name; nothing is created until one of the `create…` functions is given it. */
export function newDatabaseName(prefix = 'choir_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** An empty database, dropped by `drop()`. */
export async function createEmptyDatabase(prefix = 'choir_test'): Promise<TestDatabase> {
  const name = newDatabaseName(prefix);
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return handle(name);
}

/**
 * A database with every migration applied. `name` lets a caller know the database's URL before it exists (see
 * `useMigratedPool`); by default a fresh one is picked.
 */
export async function createMigratedDatabase(name = newDatabaseName()): Promise<TestDatabase> {
  const template = await ensureTemplate();
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return handle(name);
}

function handle(name: string): TestDatabase {
  return { name, url: databaseUrl(name), drop: () => dropDatabase(name) };
}

/**
 * `pool.end()` resolves before its connections have finished closing; dropping WITH (FORCE) at that moment
 * terminates them, and the pool re-emits the termination (57P01) as an unhandled error in the test process. So wait
 * (briefly) for the database's connections to go away on their own, and only then force what is left.
 */
async function dropDatabase(name: string) {
  await admin(async (c) => {
    for (let waited = 0; waited < 3_000; waited += 50) {
      const { rows } = await c.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if (!rows[0]?.n) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const dir of readdirSync(migrationsDir).sort()) {
    if (dir.endsWith('.toml')) continue;
    hash.update(dir);
    hash.update(readFileSync(join(migrationsDir, dir, 'migration.sql')));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Builds the template under a temporary name and renames it, so parallel test files never see a half-built one. */
async function ensureTemplate(): Promise<string> {
  const name = `choir_tpl_${migrationsHash()}`;
  const exists = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  if (exists.rowCount) return name;
  const building = `${name}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${building}"`));
  await applyMigrations(databaseUrl(building));
  await admin(async (c) => {
    try {
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    } catch {
      // Another worker finished first: its template is identical.
      await c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    }
  });
  return name;
}
