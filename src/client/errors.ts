/**
 * The SDK's errors: every failure is a ChoirError. Transport failures are CLIENT_NETWORK, a view found older than the
 * server is CLIENT_STATE_STALE, a failure to show or sign something is CLIENT_UI; errors the API returned keep the
 * API's stable code. `frontendCategory` sorts any of them into the design's three frontend categories, each with
 * its recovery: Network → reconnect and resume (or retry), State → reload the state from the API, UI → show it and
 * let the user fix the input (or sign in again).
 */
import { ChoirError, type ErrorCode, ErrorCodes, Recovery } from '../errors/index.js';

export type FrontendCategory = 'Network' | 'State' | 'UI';

export interface GraphqlErrorShape {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

export const networkError = (message: string, cause?: unknown, details: Record<string, unknown> = {}) =>
  new ChoirError('CLIENT_NETWORK', message, { cause, details });

export const staleStateError = (message: string, details: Record<string, unknown> = {}) =>
  new ChoirError('CLIENT_STATE_STALE', message, { details });

export const uiError = (message: string, cause?: unknown, details: Record<string, unknown> = {}) =>
  new ChoirError('CLIENT_UI', message, { cause, details });

/** The first GraphQL error as a ChoirError with the API's code (codes this SDK does not know become INTERNAL). */
export function fromGraphqlErrors(errors: readonly GraphqlErrorShape[]): ChoirError {
  const first = errors[0] ?? { message: 'the API answered with an empty error list' };
  const code = first.extensions?.code;
  const known = typeof code === 'string' && code in ErrorCodes ? (code as ErrorCode) : 'INTERNAL';
  const details: Record<string, unknown> = { errors };
  if (known === 'INTERNAL' && typeof code === 'string') details.serverCode = code;
  const retryAfterMs = (first.extensions?.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if (typeof retryAfterMs === 'number') details.retryAfterMs = retryAfterMs;
  return new ChoirError(known, first.message, { details });
}

/** Anything thrown, as a ChoirError: ChoirErrors as they are, the rest as a UI error (a bug or a refusal). */
export function toClientError(err: unknown): ChoirError {
  if (err instanceof ChoirError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return uiError(message, err);
}

const STATE_CODES = new Set<ErrorCode>([
  'CLIENT_STATE_STALE',
  'CURSOR_INVALID',
  'DATABASE_CONFLICT',
  'SOLANA_ACCOUNT_NOT_FOUND',
  'SOLANA_ACCOUNT_MALFORMED',
]);

export function frontendCategory(err: unknown): FrontendCategory {
  const e = toClientError(err);
  if (e.category === 'State' || STATE_CODES.has(e.code)) return 'State';
  if (e.category === 'Network' || e.category === 'WebSocket' || e.retryable) return 'Network';
  return 'UI';
}

/** What to do about an error, from its frontend category (sessions: sign in again). */
export function frontendRecovery(err: unknown): Recovery {
  const e = toClientError(err);
  switch (frontendCategory(e)) {
    case 'Network':
      return e.category === 'Network' || e.category === 'WebSocket' ? Recovery.Reconnect : Recovery.RetryWithBackoff;
    case 'State':
      return Recovery.RecomputeState;
    default:
      return e.code === 'UNAUTHENTICATED' || e.code === 'SESSION_EXPIRED' ? Recovery.RestoreSession : Recovery.FixInput;
  }
}
