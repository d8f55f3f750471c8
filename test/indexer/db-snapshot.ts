/** Row-for-row dumps of everything the indexer writes, wall-clock columns aside, for equality checks. */
import type pg from 'pg';

const TABLES: Record<string, string> = {
  threads: 'address',
  thread_co_authors: 'thread_address, position',
  messages: 'address',
  votes: 'message_address, voter',
  events: 'sequence',
  indexer_undo: 'stream, slot, table_name, row_key',
  outbox: 'kind, key',
};
const WALL_CLOCK = new Set(['created_at', 'updated_at', 'next_attempt_at', 'locked_until', 'id']);

export async function snapshot(db: pg.Pool | pg.ClientBase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    const { rows } = await db.query(`SELECT * FROM ${table} ORDER BY ${order}`);
    out[table] = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !WALL_CLOCK.has(k))));
  }
  return out;
}
