/**
 * Sessions: sign-in with a wallet. `challenge` stores a one-time, expiring text for a key; `signIn` checks the
 * key's ed25519 signature of one of its recent challenges, consumes it (a replayed sign-in finds it used) and
 * opens a session whose token only the caller sees. Everything lives in Postgres, so sessions survive restarts and
 * work across API instances. `authenticate` resolves an `authorization` value to who is calling.
 */
import { randomBytes } from 'node:crypto';
import { ChoirError } from '../../../errors/index.js';
import type { Sql } from '../read/records.js';
import { verifyEd25519 } from './ed25519.js';
import { API_KEY_PREFIX, hashToken, newToken, SESSION_PREFIX } from './tokens.js';

export type Credential =
  | { readonly kind: 'SESSION'; readonly publicKey: string; readonly tokenHash: string; readonly expiresAt: Date }
  | { readonly kind: 'API_KEY'; readonly keyId: string; readonly name: string };

export interface Challenge {
  readonly message: string;
  readonly expiresAt: Date;
}

export interface SignedIn {
  readonly token: string;
  readonly publicKey: string;
  readonly expiresAt: Date;
}

export interface AuthOptions {
  readonly sessionTtlSeconds: number;
  readonly challengeTtlSeconds: number;
}

/** Challenges a key may hold at once; older ones are not looked at by sign-in. */
const RECENT_CHALLENGES = 20;

export function challengeText(publicKey: string, nonce: string, expiresAt: Date): string {
  return `Sign in to choir\n\npublic key: ${publicKey}\nnonce: ${nonce}\nexpires: ${expiresAt.toISOString()}`;
}

export class Auth {
  constructor(
    private readonly sql: Sql,
    private readonly options: AuthOptions,
  ) {}

  async challenge(publicKey: string): Promise<Challenge> {
    const nonce = randomBytes(16).toString('hex');
    const expiresAt = new Date(Date.now() + this.options.challengeTtlSeconds * 1000);
    const message = challengeText(publicKey, nonce, expiresAt);
    // Expired challenges of this key are dropped as new ones are made; the table stays small.
    await this.sql.query(
      `WITH gone AS (DELETE FROM auth_challenges WHERE public_key = $2 AND expires_at < now() - interval '1 hour')
       INSERT INTO auth_challenges (nonce, public_key, message, expires_at) VALUES ($1, $2, $3, $4)`,
      [nonce, publicKey, message, expiresAt],
    );
    return { message, expiresAt };
  }

  async signIn(publicKey: string, signature: Uint8Array): Promise<SignedIn> {
    const { rows } = await this.sql.query<{ nonce: string; message: string; expired: boolean; used: boolean }>(
      `SELECT nonce, message, expires_at <= now() AS expired, used_at IS NOT NULL AS used FROM auth_challenges
        WHERE public_key = $1 ORDER BY created_at DESC LIMIT ${RECENT_CHALLENGES}`,
      [publicKey],
    );
    const signed = rows.find((r) => verifyEd25519(publicKey, Buffer.from(r.message, 'utf8'), signature));
    if (!signed) {
      throw new ChoirError(
        'SIGNATURE_INVALID',
        'the signature is not this key’s signature of a challenge it was given',
        {
          details: { argument: 'signature' },
        },
      );
    }
    if (signed.used)
      throw new ChoirError('REPLAY_REJECTED', 'this signed challenge was already used: ask for a new one');
    if (signed.expired) throw new ChoirError('SESSION_EXPIRED', 'the challenge expired: ask for a new one');
    const consumed = await this.sql.query(
      `UPDATE auth_challenges SET used_at = now() WHERE nonce = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING nonce`,
      [signed.nonce],
    );
    if (consumed.rows.length === 0) {
      throw new ChoirError('REPLAY_REJECTED', 'this signed challenge was already used: ask for a new one');
    }
    const token = newToken(SESSION_PREFIX);
    const expiresAt = new Date(Date.now() + this.options.sessionTtlSeconds * 1000);
    await this.sql.query('INSERT INTO sessions (token_hash, public_key, expires_at) VALUES ($1, $2, $3)', [
      hashToken(token),
      publicKey,
      expiresAt,
    ]);
    return { token, publicKey, expiresAt };
  }

  /** Revokes the session; false when it was not an active session. */
  async signOut(credential: Credential | null): Promise<boolean> {
    if (credential?.kind !== 'SESSION') return false;
    const { rows } = await this.sql.query(
      'UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING token_hash',
      [credential.tokenHash],
    );
    return rows.length > 0;
  }

  /** Who a bearer token is; null for no token. Unknown, expired or revoked tokens are errors, not anonymity. */
  async authenticate(token: string | null): Promise<Credential | null> {
    if (token === null) return null;
    const tokenHash = hashToken(token);
    if (token.startsWith(SESSION_PREFIX)) {
      const { rows } = await this.sql.query<{ public_key: string; expires_at: Date; live: boolean }>(
        `SELECT public_key, expires_at, (revoked_at IS NULL AND expires_at > now()) AS live
           FROM sessions WHERE token_hash = $1`,
        [tokenHash],
      );
      const row = rows[0];
      if (!row) throw new ChoirError('UNAUTHENTICATED', 'unknown session token');
      if (!row.live) throw new ChoirError('SESSION_EXPIRED', 'the session expired or was signed out: sign in again');
      return { kind: 'SESSION', publicKey: row.public_key, tokenHash, expiresAt: row.expires_at };
    }
    if (token.startsWith(API_KEY_PREFIX)) {
      const { rows } = await this.sql.query<{ id: string; name: string; revoked: boolean }>(
        'SELECT id, name, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE key_hash = $1',
        [tokenHash],
      );
      const row = rows[0];
      if (!row || row.revoked) throw new ChoirError('UNAUTHENTICATED', 'unknown or revoked API key');
      return { kind: 'API_KEY', keyId: row.id, name: row.name };
    }
    throw new ChoirError('UNAUTHENTICATED', 'the authorization value is neither a session token nor an API key');
  }
}
