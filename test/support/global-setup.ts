/**
 * vitest globalSetup: makes sure the tests have a Postgres (test-postgres.ts). An embedded server started here is
 * handed to every test worker through TEST_PG_URL (workers inherit this process's environment) and stopped when
 * the run ends.
 */
import { ensureTestPostgres } from './test-postgres.js';

export default async function setup(): Promise<() => Promise<void>> {
  const postgres = await ensureTestPostgres(process.env);
  if (postgres.source === 'embedded') {
    process.env.TEST_PG_URL = postgres.url;
    console.info(
      `[test setup] no Postgres at 127.0.0.1:5432 and TEST_PG_URL unset: started an embedded PostgreSQL 17 for this run (${postgres.url})`,
    );
  }
  return () => postgres.stop();
}
