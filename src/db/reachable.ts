/**
 * One connection attempt to a configured Postgres before anything else talks to it, so a server that is down, a
 * wrong password or a missing database is reported as such — naming DATABASE_URL — instead of surfacing later as a
 * failed `prisma migrate deploy` (DATABASE_NOT_MIGRATED) or a bare "connect ECONNREFUSED".
 */
import pg from 'pg';
import { ChoirError, unreachable } from '../errors/index.js';
import { redactUrl } from './pool.js';

const FIX = 'start it, or set DATABASE_URL to a server that answers (unset, choir runs its own embedded Postgres)';

export async function assertReachable(url: string, timeoutMs = 10_000): Promise<void> {
  const shown = redactUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server dropping the socket after connect must not become an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    const service = 'Postgres (DATABASE_URL)';
    throw (
      unreachable(err, { code: 'DATABASE_UNAVAILABLE', service, url: shown, fix: FIX }) ??
      new ChoirError('DATABASE_UNAVAILABLE', `${service} at ${shown} refused the connection: ${messageOf(err)}`, {
        cause: err,
        details: { url: shown },
      })
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** pg's connect timeout is a plain Error without a code. */
function messageOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return /timeout/i.test(message) ? `no answer in time (${message})` : message;
}
