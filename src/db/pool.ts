import pg from 'pg';
import { ChoirError } from '../errors/index.js';

export interface PoolOptions {
  url: string;
  size: number;
  applicationName?: string;
}

/**
 * The pg pool every database user in the process shares (Prisma through PrismaPg, and the raw-SQL hot paths).
 * No global type parsers are changed: PrismaPg relies on pg's defaults (int8 arrives as a string; raw-SQL callers
 * convert with BigInt themselves).
 */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.size,
    application_name: options.applicationName ?? 'choir',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/** Runs a query and maps connection failures onto the taxonomy. */
export async function ping(pool: pg.Pool): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    throw new ChoirError('DATABASE_UNAVAILABLE', `postgres did not answer: ${(err as Error).message}`, { cause: err });
  }
}

/** A connection string with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
