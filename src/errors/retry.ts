import { isRetryable } from './choir-error.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Decides whether an error is worth another attempt; defaults to the taxonomy's `retryable`. */
  shouldRetry?: (err: unknown, attempt: number) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Lets tests and shutdown cut the waiting short. */
  signal?: AbortSignal;
  random?: () => number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * Delay before attempt `attempt + 1`: exponential growth capped at `maxDelayMs`, with "full jitter" (a uniform
 * draw below the cap) so that many clients failing together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>) {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const random = policy.random ?? Math.random;
  return Math.floor(cap / 2 + (random() * cap) / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `fn` until it succeeds, the error is not retryable, or the attempts are used up. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = defaultRetryPolicy) {
  const shouldRetry = policy.shouldRetry ?? ((err: unknown) => isRetryable(err));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !shouldRetry(err, attempt)) throw err;
      const delay = backoffDelay(attempt, policy);
      policy.onRetry?.(err, attempt, delay);
      await sleep(delay, policy.signal);
    }
  }
}
