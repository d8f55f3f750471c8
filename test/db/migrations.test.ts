import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedServer } from '../../src/db/embedded-server.js';
import { applyMigrations, migrationState, shippedMigrations } from '../../src/db/migrations.js';
import { silentLogger } from '../../src/observability/logger.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { freePort } from '../support/ports.js';
import { createEmptyDatabase, type TestDatabase } from '../support/postgres.js';
import { schemaFingerprint } from '../support/schema-fingerprint.js';

/** Every table prisma/schema.prisma declares (its models' @@map names), sorted. Views (analytics) are not tables. */
const EXPECTED_TABLES = [
  ...readFileSync('prisma/schema.prisma', 'utf8').matchAll(/^model \w+ \{[\s\S]*?@@map\("(\w+)"\)/gm),
]
  .map((m) => m[1])
  .sort();

async function tables(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
        ORDER BY 1`,
    );
    return rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

async function state(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await migrationState(pool);
  } finally {
    await pool.end();
  }
}

describe('migrations on the real Postgres at 127.0.0.1:5432', () => {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of created) await db.drop();
  });

  it('the schema declares the tables the design names', () => {
    for (const table of ['events', 'indexer_cursors', 'messages', 'outbox', 'thread_co_authors', 'threads', 'votes']) {
      expect(EXPECTED_TABLES).toContain(table);
    }
  });

  it('apply from zero, and a second apply is a no-op', async () => {
    const db = await createEmptyDatabase();
    created.push(db);
    expect(await state(db.url)).toEqual({ applied: [], pending: shippedMigrations(), failed: [] });

    const first = await applyMigrations(db.url);
    expect(first).toContain('successfully applied');
    expect(await tables(db.url)).toEqual(EXPECTED_TABLES);
    expect(await state(db.url)).toEqual({ applied: shippedMigrations(), pending: [], failed: [] });
    const before = await schemaFingerprint(db.url);

    const second = await applyMigrations(db.url);
    expect(second).toContain('No pending migrations');
    expect(await schemaFingerprint(db.url)).toEqual(before);
  });

  it('the migrated schema is exactly what prisma/schema.prisma describes (no drift)', async () => {
    const migrated = await createEmptyDatabase();
    const fromSchema = await createEmptyDatabase();
    created.push(migrated, fromSchema);
    await applyMigrations(migrated.url);
    // The schema's own DDL, straight from the datamodel, applied to a second database.
    const ddl = execFileSync(
      process.execPath,
      ['bin/prisma.js', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
      { env: { ...process.env, DATABASE_URL: fromSchema.url }, encoding: 'utf8' },
    );
    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(ddl);
    await client.end();

    const a = await schemaFingerprint(migrated.url);
    const b = await schemaFingerprint(fromSchema.url);
    expect(a.structure).toEqual(b.structure);
    // The hand-written CHECK constraints and the analytics views exist only in the migrations.
    expect(a.checks).toContain('messages messages_content_hash_hex');
    expect(b.checks).toEqual([]);
    expect(a.views).toEqual(['author_stats', 'spec_outcomes', 'sync_health', 'thread_activity']);
    expect(b.views).toEqual([]);
  });

  it('the chain tables leave room for heap-only promotions (fillfactor), and status is not indexed', async () => {
    const db = await createEmptyDatabase();
    created.push(db);
    await applyMigrations(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ relname: string; reloptions: string[] | null }>(
        `SELECT relname, reloptions FROM pg_class WHERE relname IN ('messages', 'threads', 'votes') ORDER BY relname`,
      );
      expect(rows).toEqual([
        { relname: 'messages', reloptions: ['fillfactor=50'] },
        { relname: 'threads', reloptions: ['fillfactor=50'] },
        { relname: 'votes', reloptions: ['fillfactor=50'] },
      ]);
      // A promotion changes commitment and status: an index on either would make every promotion a full write.
      const { rows: indexed } = await client.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename IN ('messages', 'threads', 'votes')
            AND (indexdef ~ '\\(.*\\ystatus\\y' OR indexdef ~ '\\ycommitment\\y')`,
      );
      expect(indexed).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describe.skipIf(skipEmbeddedPostgres('embedded migrations'))('migrations on the embedded Postgres server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'choir-embedded-'));
  // As root the server runs as the postgres user, which must be able to enter the folder.
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('apply from zero, a second apply is a no-op, and data survives a server restart', async () => {
    const port = await freePort();
    const options = { dataDir: join(dir, 'pg'), port, logger: silentLogger };
    let server = await startEmbeddedServer(options);
    try {
      expect(await applyMigrations(server.url)).toContain('successfully applied');
      expect(await tables(server.url)).toEqual(EXPECTED_TABLES);
      expect(await applyMigrations(server.url)).toContain('No pending migrations');

      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`INSERT INTO indexer_cursors (stream, slot, updated_at) VALUES ('survivor', 42, now())`);
      await client.end();
    } finally {
      await server.stop();
    }

    server = await startEmbeddedServer(options);
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query(`SELECT slot::int AS slot FROM indexer_cursors WHERE stream = 'survivor'`);
      await client.end();
      expect(rows).toEqual([{ slot: 42 }]);
      expect((await state(server.url)).pending).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
