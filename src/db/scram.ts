/**
 * A SCRAM-SHA-256 password verifier in the format Postgres stores (`rolpassword`), computed on the client as psql's
 * `\password` does: `ALTER ROLE … PASSWORD '<verifier>'` then never carries the password itself, so it cannot end up
 * in the server's statement log, in pg_stat_activity or in a replica's WAL.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ChoirError } from '../errors/index.js';

const ITERATIONS = 4096;
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Postgres runs a password through SASLprep before hashing it; for printable ASCII that is the identity, so the
 * verifier computed here matches what the server derives at login. Anything else is refused rather than hashed
 * into a verifier the server might never match.
 */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ChoirError('BAD_USER_INPUT', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (!/^[\x20-\x7e]+$/.test(password)) {
    throw new ChoirError(
      'BAD_USER_INPUT',
      'the password may only use printable ASCII characters (letters, digits, symbols, space)',
    );
  }
}

export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
