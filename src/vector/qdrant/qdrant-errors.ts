import { QdrantClientResourceExhaustedError, QdrantClientTimeoutError } from '@qdrant/js-client-rest';
import { ChoirError, type ErrorCode, type RetryPolicy, withRetry } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';

/** What a failed call was doing: writes surface as storage errors, reads as query errors. */
export type OperationKind = 'write' | 'read';

interface HttpErrorLike {
  status: number;
  data?: { status?: { error?: string } | string };
}

function httpStatus(err: unknown): number | undefined {
  const status = (err as Partial<HttpErrorLike> | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Qdrant's own explanation from an error answer (`{ status: { error } }`), if there is one. */
function qdrantMessage(err: unknown): string {
  const data = (err as HttpErrorLike).data;
  const status = data?.status;
  if (typeof status === 'object' && typeof status?.error === 'string') return status.error;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Transient failures worth another attempt: the server or a proxy in front of it is overloaded or restarting
 * (5xx, 429), the request timed out, or the connection failed (fetch's `TypeError` carrying a cause such as
 * ECONNREFUSED or UND_ERR_SOCKET). A 4xx means the request itself is wrong; repeating it cannot help.
 */
export function isTransientQdrantError(err: unknown): boolean {
  if (err instanceof QdrantClientResourceExhaustedError || err instanceof QdrantClientTimeoutError) return true;
  // The client parses only the first character of a 429's Retry-After; an HTTP-date there ("Wed, 21 Oct …")
  // makes it throw this plain error instead of the 429. It is still a rate limit.
  if (err instanceof Error && err.message.startsWith('Invalid retryAfter value')) return true;
  const status = httpStatus(err);
  if (status !== undefined) return status >= 500 || status === 429;
  return err instanceof TypeError && (err as { cause?: unknown }).cause !== undefined;
}

/** Maps anything the client threw onto the taxonomy. */
export function toQdrantError(err: unknown, operation: string, kind: OperationKind): ChoirError {
  if (err instanceof ChoirError) return err;
  const status = httpStatus(err);
  if (isTransientQdrantError(err)) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const reason = status !== undefined ? `HTTP ${status}` : (cause?.code ?? (err as Error).name);
    return new ChoirError('QDRANT_UNAVAILABLE', `Qdrant ${operation} failed: ${reason}: ${qdrantMessage(err)}`, {
      details: { operation, ...(status === undefined ? {} : { status }) },
      cause: err,
    });
  }
  const code: ErrorCode = kind === 'write' ? 'QDRANT_STORAGE_REJECTED' : 'QDRANT_QUERY_FAILED';
  return new ChoirError(code, `Qdrant rejected ${operation}: ${qdrantMessage(err)}`, {
    details: { operation, ...(status === undefined ? {} : { status }) },
    cause: err,
  });
}

export interface QdrantRetry {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Runs one Qdrant call with backoff and jitter on transient errors, and maps the final error onto the taxonomy. */
export async function callQdrant<T>(
  operation: string,
  kind: OperationKind,
  retry: QdrantRetry,
  logger: Logger,
  fn: () => Promise<T>,
): Promise<T> {
  const policy: RetryPolicy = {
    ...retry,
    shouldRetry: (err) => isTransientQdrantError(err),
    onRetry: (err, attempt, delayMs) =>
      logger.warn({ operation, attempt, delayMs, err: (err as Error).message }, 'Qdrant call failed; retrying'),
  };
  try {
    return await withRetry(fn, policy);
  } catch (err) {
    throw toQdrantError(err, operation, kind);
  }
}
