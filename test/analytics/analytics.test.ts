import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedServer } from '../../src/db/embedded-server.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { silentLogger } from '../../src/observability/logger.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { freePort } from '../support/ports.js';
import { documentedColumns, exampleQueries } from './docs.js';
import { type Seeded, seedAnalytics } from './seed.js';

const root = join(import.meta.dirname, '..', '..');

/** `choir <args>` with `stdin` written to its standard input (how a password is given). */
function choir(args: string[], env: Record<string, string>, stdin = '') {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'DATABASE_URL',
    ),
  );
  const child = spawn(process.execPath, [join(root, 'bin', 'choir.js'), ...args], {
    cwd: root,
    env: { ...base, LOG_FORMAT: 'json', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  child.stdin.end(stdin);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

/** Runs `fn` as choir_analyst (SET ROLE in a transaction that is rolled back). */
async function asAnalyst<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL ROLE choir_analyst');
    return await fn(client);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}

describe('analytics views, docs and the analyst role (real Postgres)', () => {
  const { pool, url } = useMigratedPool();
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedAnalytics(pool);
  });

  it('thread_activity counts one thread’s messages, specs, votes and money', async () => {
    const { rows } = await pool.query('SELECT * FROM thread_activity WHERE thread_address = $1', [seeded.threads.main]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: 'main thread',
      creator: seeded.keys.alice,
      co_authors: 4,
      messages: 4, // three published + one on its way; the rolled-back one is counted apart
      specs: 3,
      pending_specs: 1,
      rolled_back: 1,
      authors: 6,
      votes: 5,
      messages_last_7_days: 7,
      lamports: '9000000',
      entitlement: '9500000',
      withdrawn: '4000000',
      commitment: 'FINALIZED',
    });
    expect(rows[0].last_event_at).toBeInstanceOf(Date);
    const quiet = await pool.query(
      'SELECT messages, messages_last_7_days FROM thread_activity WHERE thread_address = $1',
      [seeded.threads.quiet],
    );
    expect(quiet.rows).toEqual([{ messages: 2, messages_last_7_days: 1 }]);
  });

  it('author_stats covers authors, co-authors and voters', async () => {
    const { rows } = await pool.query('SELECT * FROM author_stats ORDER BY pubkey');
    expect(rows).toHaveLength(6);
    const by = (k: string) => rows.find((r) => r.pubkey === k);
    expect(by(seeded.keys.bob)).toMatchObject({
      threads_co_authored: 2,
      threads_created: 1,
      messages: 3, // the rolled-back one is not counted
      votes_cast: 2,
      approvals_given: 1,
      entitlement: '4000000',
      withdrawn: '0',
      withdrawable: '4000000',
    });
    expect(by(seeded.keys.carol)).toMatchObject({ withdrawable: '0', votes_cast: 2, approvals_given: 2 });
    expect(by(seeded.keys.dave)).toMatchObject({ specs: 1, specs_approved: 1, stake_lamports: '250000' });
    expect(by(seeded.keys.erin)).toMatchObject({ specs: 1, specs_rejected: 1, threads_co_authored: 0 });
  });

  it('spec_outcomes gives each spec its outcome, missing approvals and decision time', async () => {
    const { rows } = await pool.query('SELECT * FROM spec_outcomes');
    const by = (a: string) => rows.find((r) => r.spec_address === a);
    expect(by(seeded.specs.approved)).toMatchObject({
      outcome: 'APPROVED',
      approvals: 3,
      approvals_missing: null,
      expirable: false,
    });
    expect(by(seeded.specs.approved).decision_seconds).toBeGreaterThan(40 * 3600);
    expect(by(seeded.specs.rejected)).toMatchObject({ outcome: 'REJECTED', denials: 1, decided_at: expect.any(Date) });
    expect(by(seeded.specs.expirable)).toMatchObject({
      outcome: 'PENDING',
      co_authors: 4,
      approvals_missing: 3,
      expirable: true,
      decided_at: null,
    });
  });

  it('sync_health has the indexer stream and the outbox kinds with work waiting or dead', async () => {
    const { rows } = await pool.query('SELECT * FROM sync_health ORDER BY part, name');
    expect(rows.map((r) => [r.part, r.name, r.backlog, r.failing, r.dead])).toEqual([
      ['indexer', 'choir', '32', '0', '0'],
      ['outbox', 'message.submit', '1', '1', '0'],
      ['outbox', 'vector.payload', '1', '0', '1'],
    ]);
    expect(rows[0].gaps_healed).toBe(2);
    const submit = rows[1];
    expect(Date.now() - submit.oldest_backlog_at.getTime()).toBeGreaterThan(3_500_000);
  });

  it('docs/analytics.md describes every column of every table and view', async () => {
    const { rows } = await pool.query<{ name: string; columns: string[] }>(
      `SELECT table_name AS name, array_agg(column_name::text ORDER BY ordinal_position) AS columns
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        GROUP BY 1 ORDER BY 1`,
    );
    const documented = documentedColumns();
    for (const { name, columns } of rows) {
      expect(documented.get(name)?.slice().sort(), `docs/analytics.md: ${name}`).toEqual(columns.slice().sort());
    }
    expect([...documented.keys()].sort()).toEqual(rows.map((r) => r.name));
  });

  it('the ten example queries run as choir_analyst and return rows of the documented shape', async () => {
    const queries = exampleQueries();
    expect(queries).toHaveLength(10);
    const params: Record<string, string> = { thread: seeded.threads.main, co_author: seeded.keys.bob };
    const { rows: types } = await pool.query<{ oid: number; name: string }>(
      `SELECT oid::int, format_type(oid, NULL) AS name FROM pg_type`,
    );
    const typeName = new Map(types.map((t) => [t.oid, t.name]));
    const aliases: Record<string, string> = { timestamptz: 'timestamp with time zone', interval: 'interval' };
    for (const q of queries) {
      const result = await asAnalyst(pool, (c) =>
        c.query(
          q.sql,
          q.params.map((p) => params[p]),
        ),
      );
      expect(result.rowCount, q.title).toBeGreaterThan(0);
      expect(
        result.fields.map((f) => `${f.name} ${typeName.get(f.dataTypeID)}`),
        q.title,
      ).toEqual(q.columns.map((c) => `${c.name} ${aliases[c.type] ?? c.type}`));
    }
  });

  it('choir_analyst reads tables and views, not credentials, and cannot write', async () => {
    await asAnalyst(pool, async (c) => {
      await expect(c.query('SELECT count(*) FROM thread_activity')).resolves.toBeDefined();
    });
    await asAnalyst(pool, async (c) => {
      await expect(c.query('SELECT * FROM api_keys')).rejects.toMatchObject({ code: '42501' });
    });
    await asAnalyst(pool, async (c) => {
      await expect(c.query('SELECT * FROM sessions')).rejects.toMatchObject({ code: '42501' });
    });
    await asAnalyst(pool, async (c) => {
      await expect(c.query(`UPDATE threads SET title = 'x'`)).rejects.toMatchObject({ code: '42501' });
    });
    // Default privileges: a table a later migration creates is readable without a new grant.
    await pool.query('CREATE TABLE later_table (id int)');
    await asAnalyst(pool, async (c) => {
      await expect(c.query('SELECT * FROM later_table')).resolves.toMatchObject({ rowCount: 0 });
    });
    await pool.query('DROP TABLE later_table');
  });

  it('choir analyst-role --password enables login from stdin, --disable turns it off', async () => {
    const analyst = new URL(url);
    analyst.username = 'choir_analyst';
    analyst.password = 'a long analyst password';
    const connect = async () => {
      const client = new pg.Client({ connectionString: analyst.toString() });
      await client.connect();
      return client;
    };
    try {
      const before = await choir(['analyst-role', '--json'], { DATABASE_URL: url });
      expect(before.code, before.stderr).toBe(0);
      expect(JSON.parse(before.stdout)).toMatchObject({ role: 'choir_analyst', exists: true, canRead: true });

      const short = await choir(['analyst-role', '--password'], { DATABASE_URL: url }, 'too short\n');
      expect(short.code).toBe(2);
      expect(short.stderr).toContain('at least 12 characters');

      const enabled = await choir(
        ['analyst-role', '--password', '--json'],
        { DATABASE_URL: url },
        'a long analyst password\n',
      );
      expect(enabled.code, enabled.stderr).toBe(0);
      expect(JSON.parse(enabled.stdout)).toMatchObject({ login: true, url: expect.stringContaining('choir_analyst@') });
      expect(enabled.stdout + enabled.stderr).not.toContain('a long analyst password');
      const { rows } = await pool.query(`SELECT rolpassword FROM pg_authid WHERE rolname = 'choir_analyst'`);
      expect(rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);

      const client = await connect();
      try {
        expect((await client.query('SHOW default_transaction_read_only')).rows).toEqual([
          { default_transaction_read_only: 'on' },
        ]);
        expect((await client.query('SELECT count(*)::int AS n FROM threads')).rows).toEqual([{ n: 2 }]);
        await expect(client.query(`UPDATE threads SET title = 'x'`)).rejects.toMatchObject({ code: '25006' });
      } finally {
        await client.end();
      }

      const disabled = await choir(['analyst-role', '--disable'], { DATABASE_URL: url });
      expect(disabled.code, disabled.stderr).toBe(0);
      expect(disabled.stdout).toContain('login disabled');
      await expect(connect()).rejects.toThrow(/not permitted to log in/);
    } finally {
      await pool.query('ALTER ROLE choir_analyst NOLOGIN PASSWORD NULL');
    }
  }, 240_000);
});

describe.skipIf(skipEmbeddedPostgres('analyst role, embedded'))('choir_analyst on the embedded server (SCRAM)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'choir-analyst-'));
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the password set through the CLI, while the server runs, is the one the server accepts', async () => {
    const port = await freePort();
    const server = await startEmbeddedServer({ dataDir: join(dir, 'pg'), port, logger: silentLogger });
    try {
      await applyMigrations(server.url);
      const env = { EMBEDDED_PG_DIR: join(dir, 'pg'), EMBEDDED_PG_PORT: String(port) };
      const result = await choir(['analyst-role', '--password', '--json'], env, 'the embedded analyst\n');
      expect(result.code, result.stderr).toBe(0);
      const analystUrl = JSON.parse(result.stdout).url as string;
      expect(analystUrl).toBe(`postgresql://choir_analyst@127.0.0.1:${port}/choir`);

      const withPassword = (password: string) => {
        const u = new URL(analystUrl);
        u.password = password;
        return u.toString();
      };
      const right = new pg.Client({ connectionString: withPassword('the embedded analyst') });
      await right.connect();
      expect((await right.query('SELECT count(*)::int AS n FROM spec_outcomes')).rows).toEqual([{ n: 0 }]);
      await right.end();
      const wrong = new pg.Client({ connectionString: withPassword('not the password') });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await server.stop();
    }
  }, 240_000);
});
