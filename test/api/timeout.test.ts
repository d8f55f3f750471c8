/**
 * The per-query timeout ends the work too: a statement still running when an operation times out is cancelled in
 * Postgres, not left to finish (or wait on a lock) for a client that has gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedSql } from '../../src/api/graphql/loaders/loaders.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { gql, type RunningApi, startApi } from './harness.js';

describe('query timeout', () => {
  const db = useMigratedPool({ max: 6 });
  let api: RunningApi;

  beforeAll(async () => {
    // The pool itself as the API's SQL: the harness's counting wrapper cannot lend connections.
    api = await startApi(db, { env: { API_QUERY_TIMEOUT_MS: '300' }, services: { db: db.pool } });
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Statements of this database other than ours that wait on a lock. */
  const waiting = async () =>
    (
      await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      )
    ).rows[0]?.n ?? 0;

  it('answers QUERY_TIMEOUT and cancels the statement that was still waiting', async () => {
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE threads IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await gql(api.url, '{ threads(first: 5) { nodes { address } } }');
      expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(3_000);
      // The lock is still held: only a cancel can have ended the API's statement.
      const deadline = Date.now() + 3_000;
      while ((await waiting()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting()).toBe(0);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    // The API still answers (the cancelled connection was dropped, not handed to the next request).
    const after = await gql<{ threads: { nodes: unknown[] } }>(api.url, '{ threads(first: 5) { nodes { address } } }');
    expect(after.errors).toBeUndefined();
  });

  it('a statement cancelled by the deadline rejects with QUERY_TIMEOUT, and its connection leaves the pool', async () => {
    const controller = new AbortController();
    const sql = guardedSql(db.pool, controller.signal);
    const sleeping = sql.query('SELECT pg_sleep(10)');
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const err = await sleeping.then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as { code?: string })?.code).toBe('QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(10)' AND state = 'active'`,
    );
    expect(rows[0]?.n).toBe(0);
    // Later statements on the same deadline do not start.
    await expect(sql.query('SELECT 1')).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
  });
});
