/**
 * `totalCount` of an unfiltered list of a whole table (all threads, all messages, the whole event log): an exact
 * count(*) reads every row (index-only at best), seconds on a large log, so above ESTIMATE_ABOVE rows the answer
 * is Postgres's own row estimate (pg_class.reltuples, kept current by autovacuum and ANALYZE). Filtered lists and
 * one thread's lists stay exact: they count along an index.
 */
import type { Sql } from './records.js';

export const ESTIMATE_ABOVE = 100_000;

export type CountedTable = 'threads' | 'messages' | 'events';

export async function countOrEstimate(
  sql: Sql,
  table: CountedTable,
  exact: () => Promise<number>,
  above = ESTIMATE_ABOVE,
): Promise<number> {
  const { rows } = await sql.query<{ n: string | number }>(
    'SELECT reltuples::bigint AS n FROM pg_class WHERE oid = $1::regclass',
    [table],
  );
  // -1 (or 0) before the table's first VACUUM/ANALYZE: no estimate yet.
  const estimate = Number(rows[0]?.n ?? -1);
  return estimate >= above ? estimate : exact();
}
