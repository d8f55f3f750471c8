import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { useMigratedDatabases, useMigratedPool } from './migrated-pool.js';
import { adminUrl } from './postgres.js';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

const seen: string[] = [];

describe('useMigratedPool', () => {
  const { pool, url, name } = useMigratedPool({ max: 2 });
  seen.push(name);

  it('hands out a pool on a migrated database whose url names that database', async () => {
    expect(new URL(url).pathname).toBe(`/${name}`);
    const { rows } = await pool.query<{ db: string }>('SELECT current_database() AS db');
    expect(rows[0]?.db).toBe(name);
    // A table from the migrations is there (and empty).
    const events = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(events.rows[0]?.n).toBe(0);
  });

  it('gives each describe block a database of its own', () => {
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('useMigratedPool, a second block', () => {
  const { name } = useMigratedPool();
  seen.push(name);
  it('has another name', () => {
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
  });
});

// Runs after both blocks' afterAll hooks: their databases are gone.
afterAll(async () => {
  for (const name of seen) expect(await databaseExists(name)).toBe(false);
});

const made: string[] = [];

describe('useMigratedDatabases', () => {
  const database = useMigratedDatabases({ max: 2 });

  it('makes a fresh migrated database per call, each with a working pool', async () => {
    const a = await database();
    const b = await database();
    for (const d of [a, b]) {
      const { rows } = await d.pool.query<{ db: string; n: number }>(
        'SELECT current_database() AS db, (SELECT count(*)::int FROM events) AS n',
      );
      expect(rows[0]?.n).toBe(0);
      made.push(rows[0]?.db as string);
    }
    expect(made[0]).not.toBe(made[1]);
  });
});

afterAll(async () => {
  expect(made).toHaveLength(2);
  for (const name of made) expect(await databaseExists(name)).toBe(false);
});
