/**
 * "A migrated database and a pool on it" for one describe block: the setup several integration tests repeated.
 *
 * The pool exists as soon as `useMigratedPool()` returns, so a test file can destructure it at collection time
 * (`const { pool } = useMigratedPool()`) and its tests keep using a plain `pool`. That works because a `pg.Pool`
 * opens no connection until its first query, and the database's name is picked up front: the registered beforeAll
 * creates the database under that name before any test (or any later beforeAll) can query. afterAll ends the pool
 * and drops the database; vitest runs after-hooks in reverse order, so a caller's own afterAll (closing a Prisma
 * client on the pool, say) still finds both alive.
 */
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createMigratedDatabase, databaseUrl, newDatabaseName, type TestDatabase } from './postgres.js';

export interface MigratedPool {
  /** Usable from the first beforeAll the caller registers after `useMigratedPool()`. */
  readonly pool: pg.Pool;
  readonly url: string;
  readonly name: string;
}

export function useMigratedPool(options: { max?: number } = {}): MigratedPool {
  const name = newDatabaseName();
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4 });
  // pool.end() resolves before its sockets have closed, and the drop in afterAll may then terminate a backend
  // (57P01) whose client is idle in the pool or already out of it (so without the pool's listener). That error is
  // the teardown, not a test failure: swallow it on both, instead of letting it surface as an unhandled error.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createMigratedDatabase(name);
  });
  afterAll(async () => {
    await pool.end();
    await db?.drop();
  });
  return { pool, url, name };
}

/**
 * As many migrated databases as a test file asks for (`await database()` per scenario), each with its own pool;
 * afterAll ends the pools and drops the databases. For files whose scenarios each need a fresh database.
 */
export function useMigratedDatabases(options: { max?: number } = {}): () => Promise<{ url: string; pool: pg.Pool }> {
  const opened: { db: TestDatabase; pool: pg.Pool }[] = [];
  afterAll(async () => {
    for (const { pool } of opened) await pool.end();
    for (const { db } of opened) await db.drop();
  });
  return async () => {
    const db = await createMigratedDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: options.max ?? 6 });
    opened.push({ db, pool });
    return { url: db.url, pool };
  };
}
