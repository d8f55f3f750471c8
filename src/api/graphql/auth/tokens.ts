/**
 * Bearer tokens. Sessions and API keys are random 32-byte secrets with a readable prefix (so a leaked one is easy
 * to recognise and the server knows which table to look in); only their sha256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import bs58 from 'bs58';

export const SESSION_PREFIX = 'choir_s_';
export const API_KEY_PREFIX = 'choir_k_';

export function newToken(prefix: string): string {
  return `${prefix}${bs58.encode(randomBytes(32))}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `authorization` value: `Bearer <token>` or the bare token. */
export function bearer(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  const token = /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed;
  return token.length > 0 && token.length <= 200 ? token : null;
}
