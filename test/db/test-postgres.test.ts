// `npm test` on a fresh machine: with no Postgres at 127.0.0.1:5432 and TEST_PG_URL unset, the test setup starts an
// embedded PostgreSQL for the run, and it serves what the tests need from an admin server (create, migrate, drop).
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/migrations.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { freePort } from '../support/ports.js';
import { ensureTestPostgres, MACHINE_PG_URL } from '../support/test-postgres.js';

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the Postgres the tests use', () => {
  it('is TEST_PG_URL when set, without probing anything', async () => {
    const given = await ensureTestPostgres(
      { TEST_PG_URL: 'postgresql://u@db.invalid:1/x' },
      'postgresql://x@127.0.0.1:1/x',
    );
    expect(given).toMatchObject({ url: 'postgresql://u@db.invalid:1/x', source: 'TEST_PG_URL' });
  });

  it.skipIf(skipEmbeddedPostgres('test postgres'))(
    'is an embedded server started for the run when nothing answers, able to create, migrate and drop databases',
    async () => {
      const nothing = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
      expect(nothing).not.toBe(MACHINE_PG_URL);
      const server = await ensureTestPostgres({}, nothing);
      try {
        expect(server.source).toBe('embedded');
        await query(server.url, 'CREATE DATABASE scratch_migrated');
        const scratch = new URL(server.url);
        scratch.pathname = '/scratch_migrated';
        await applyMigrations(scratch.toString());
        const { rows } = await query(scratch.toString(), "SELECT to_regclass('public.threads')::text AS t");
        expect(rows).toEqual([{ t: 'threads' }]);
        await query(server.url, 'DROP DATABASE scratch_migrated WITH (FORCE)');
      } finally {
        await server.stop();
      }
      await expect(query(server.url, 'SELECT 1')).rejects.toThrow();
    },
    120_000,
  );
});
