/**
 * The Postgres the tests create their databases on: TEST_PG_URL when set, else the machine's server at
 * 127.0.0.1:5432 when one answers, else — a fresh machine — an embedded PostgreSQL 17 (the one choir ships)
 * started for the run in a temporary folder and stopped after it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedServer } from '../../src/db/embedded-server.js';
import { silentLogger } from '../../src/observability/logger.js';
import { embeddedPostgresBlocked } from './embedded-reachable.js';
import { freePort } from './ports.js';

export const MACHINE_PG_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestPostgres {
  /** The admin URL tests use (TEST_PG_URL). */
  readonly url: string;
  /** Where it came from, for the one line the run prints. */
  readonly source: 'TEST_PG_URL' | 'machine' | 'embedded';
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function ensureTestPostgres(
  env: Readonly<Record<string, string | undefined>>,
  machineUrl = MACHINE_PG_URL,
): Promise<TestPostgres> {
  const given = env.TEST_PG_URL;
  if (given) return { url: given, source: 'TEST_PG_URL', stop: async () => {} };
  if (await answers(machineUrl)) return { url: machineUrl, source: 'machine', stop: async () => {} };
  if (embeddedPostgresBlocked) {
    throw new Error(
      `no Postgres answers at ${machineUrl}, TEST_PG_URL is unset, and embedded Postgres cannot run from this checkout (the postgres user cannot enter ${embeddedPostgresBlocked.dir}): start a server, set TEST_PG_URL, or \`chmod o+x ${embeddedPostgresBlocked.dir}\``,
    );
  }
  // Readable by the `postgres` system user embedded Postgres runs as under root.
  const dir = mkdtempSync(join(tmpdir(), 'choir-test-pg-'));
  chmodSync(dir, 0o755);
  try {
    const server = await startEmbeddedServer({
      dataDir: join(dir, 'pg'),
      port: await freePort(),
      logger: silentLogger,
      database: 'postgres',
    });
    return {
      url: server.url,
      source: 'embedded',
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
