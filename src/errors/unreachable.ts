/**
 * "fetch failed" and "connect ECONNREFUSED" tell a user nothing they can act on. These find the network failure
 * buried in an error's causes (fetch → undici → the socket error; pg; AggregateError from dual-stack connects) and
 * say, in the user's words, which service at which URL did not answer and what to do about it.
 */
import { ChoirError } from './choir-error.js';
import type { ErrorCode } from './codes.js';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
};

export interface NetworkFailure {
  /** The system or undici code, e.g. ECONNREFUSED. */
  readonly code: string;
  /** The same in words, e.g. "connection refused". */
  readonly reason: string;
  /** `host:port` the socket tried, when the error says. */
  readonly address?: string;
}

/** The network failure behind `err` (searched through `cause` and AggregateError `errors`), or null. */
export function networkFailure(err: unknown, depth = 0): NetworkFailure | null {
  if (err === null || typeof err !== 'object' || depth > 8) return null;
  const e = err as { code?: unknown; address?: unknown; port?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code in REASONS) {
    const address =
      typeof e.address === 'string' ? `${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}` : undefined;
    return { code: e.code, reason: REASONS[e.code] as string, ...(address ? { address } : {}) };
  }
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const found = networkFailure(inner, depth + 1);
      if (found) return found;
    }
  }
  return networkFailure(e.cause, depth + 1);
}

export interface Endpoint {
  /** The error code to raise: SOLANA_RPC_UNAVAILABLE, DATABASE_UNAVAILABLE, QDRANT_UNAVAILABLE… */
  readonly code: ErrorCode;
  /** What it is, for a person: "the devnet JSON-RPC", "Postgres". */
  readonly service: string;
  /** Where it was asked (passwords already hidden). */
  readonly url: string;
  /** What to do: "start it with `npm start`, or set SOLANA_RPC_URL". */
  readonly fix: string;
}

/** "<service> at <url> did not answer (<reason>): <fix>" when `err` is a network failure; otherwise null. */
export function unreachable(err: unknown, endpoint: Endpoint): ChoirError | null {
  const failure = networkFailure(err);
  if (!failure) return null;
  return new ChoirError(
    endpoint.code,
    `${endpoint.service} at ${endpoint.url} did not answer (${failure.reason}): ${endpoint.fix}`,
    { cause: err, details: { url: endpoint.url, reason: failure.code } },
  );
}

/** Runs `fn`; a network failure in it becomes the `unreachable` error for `endpoint`, anything else passes through. */
export async function naming<T>(endpoint: Endpoint, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw unreachable(err, endpoint) ?? err;
  }
}
