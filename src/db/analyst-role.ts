/**
 * The read-only role analysts connect as (`choir_analyst`, created NOLOGIN by the migration 20261206030000_analytics).
 * Login is enabled with a password only on purpose (`choir analyst-role --password`), and disabled again with
 * `--disable`. The password goes to the server as a SCRAM verifier (scram.ts), never in clear.
 */
import type pg from 'pg';
import { ChoirError } from '../errors/index.js';
import { checkPassword, scramSha256Verifier } from './scram.js';

export const ANALYST_ROLE = 'choir_analyst';

export interface AnalystRoleState {
  role: string;
  exists: boolean;
  login: boolean;
  /** Whether the role may read this database's tables (the migration's grants). */
  canRead: boolean;
}

export async function analystRoleState(db: Pick<pg.Pool, 'query'>): Promise<AnalystRoleState> {
  const { rows } = await db.query<{ login: boolean; can_read: boolean }>(
    `SELECT r.rolcanlogin AS login, has_table_privilege(r.oid, 'public.threads', 'SELECT') AS can_read
       FROM pg_roles r WHERE r.rolname = $1`,
    [ANALYST_ROLE],
  );
  const row = rows[0];
  return { role: ANALYST_ROLE, exists: row !== undefined, login: row?.login ?? false, canRead: row?.can_read ?? false };
}

/** Enables login with `password` (checked first). */
export async function enableAnalystLogin(db: Pick<pg.Pool, 'query'>, password: string): Promise<void> {
  checkPassword(password);
  await alterRole(db, `LOGIN PASSWORD '${scramSha256Verifier(password)}'`);
}

export async function disableAnalystLogin(db: Pick<pg.Pool, 'query'>): Promise<void> {
  await alterRole(db, 'NOLOGIN PASSWORD NULL');
}

async function alterRole(db: Pick<pg.Pool, 'query'>, change: string): Promise<void> {
  const state = await analystRoleState(db);
  if (!state.exists) {
    throw new ChoirError(
      'NOT_FOUND',
      `role ${ANALYST_ROLE} does not exist: run \`choir migrate\` as a user that may create roles, or have a DBA run \`CREATE ROLE ${ANALYST_ROLE} NOLOGIN\` and then \`choir migrate\``,
    );
  }
  try {
    // The verifier only holds base64 and `$:` characters: nothing in it can end the literal.
    await db.query(`ALTER ROLE ${ANALYST_ROLE} ${change}`);
  } catch (err) {
    if ((err as { code?: string }).code === '42501') {
      throw new ChoirError(
        'FORBIDDEN',
        `the database user may not alter ${ANALYST_ROLE} (${(err as Error).message}): run this as a user with CREATEROLE`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** The connection string an analyst uses: the service's server and database, the analyst role, no password. */
export function analystUrl(serviceUrl: string): string {
  const url = new URL(serviceUrl);
  url.username = ANALYST_ROLE;
  url.password = '';
  url.search = '';
  return url.toString();
}
