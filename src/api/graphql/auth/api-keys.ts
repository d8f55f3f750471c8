/** API keys for third parties: created, listed and revoked by operators (`choir api-key`). */
import { randomUUID } from 'node:crypto';
import { ChoirError } from '../../../errors/index.js';
import type { Sql } from '../read/records.js';
import { API_KEY_PREFIX, hashToken, newToken } from './tokens.js';

export interface ApiKeyInfo {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Creates a key; the secret is returned once and never stored. */
export async function createApiKey(sql: Sql, name: string): Promise<{ id: string; key: string }> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200)
    throw new ChoirError('BAD_USER_INPUT', 'an API key needs a name of 1 to 200 characters');
  const id = randomUUID();
  const key = newToken(API_KEY_PREFIX);
  await sql.query('INSERT INTO api_keys (id, name, key_hash) VALUES ($1, $2, $3)', [id, trimmed, hashToken(key)]);
  return { id, key };
}

export async function listApiKeys(sql: Sql): Promise<ApiKeyInfo[]> {
  const { rows } = await sql.query<{ id: string; name: string; created_at: Date; revoked_at: Date | null }>(
    'SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id',
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

/** Revokes a key by id; NOT_FOUND when there is no such (unrevoked) key. */
export async function revokeApiKey(sql: Sql, id: string): Promise<void> {
  const { rows } = await sql.query(
    'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [id],
  );
  if (rows.length === 0) throw new ChoirError('NOT_FOUND', `no active API key with id ${id}`, { details: { id } });
}
