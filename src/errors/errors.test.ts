import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  Categories,
  ChoirError,
  ErrorCodes,
  isChoirError,
  Recovery,
  toChoirError,
  withRetry,
} from './index.js';

describe('error taxonomy', () => {
  it('every code belongs to a known category and resolves a domain and a recovery strategy', () => {
    const recoveries = new Set(Object.values(Recovery));
    for (const code of Object.keys(ErrorCodes) as (keyof typeof ErrorCodes)[]) {
      const err = new ChoirError(code, 'x');
      expect(Categories[err.category], code).toBeDefined();
      expect(err.domain).toBe(Categories[err.category].domain);
      expect(recoveries.has(err.recovery), code).toBe(true);
    }
  });

  it('codes follow their domain prefix convention', () => {
    for (const [code, spec] of Object.entries(ErrorCodes)) {
      const domain = Categories[spec.category].domain;
      if (code.startsWith('SOLANA_')) expect(domain, code).toBe('SOLANA');
      if (code.startsWith('QDRANT_') || code.startsWith('EMBEDDING_')) expect(domain, code).toBe('QDRANT');
      if (code.startsWith('CLIENT_')) expect(domain, code).toBe('FRONTEND');
    }
  });

  it('a code-level recovery overrides the category default', () => {
    expect(new ChoirError('SOLANA_STREAM_FAILED', 'x').recovery).toBe(Recovery.Reconnect);
    expect(new ChoirError('SOLANA_TRANSACTION_FAILED', 'x').recovery).toBe(Recovery.RetryWithBackoff);
  });

  it('wraps foreign errors as INTERNAL and keeps ChoirErrors', () => {
    const original = new ChoirError('NOT_FOUND', 'gone');
    expect(toChoirError(original)).toBe(original);
    const wrapped = toChoirError(new TypeError('boom'));
    expect(isChoirError(wrapped, 'INTERNAL')).toBe(true);
    expect(wrapped.cause).toBeInstanceOf(TypeError);
    expect(toChoirError('text', 'QDRANT_UNAVAILABLE').retryable).toBe(true);
  });

  it('serialises only client-safe fields', () => {
    const json = new ChoirError('BAD_USER_INPUT', 'bad', {
      details: { field: 'x' },
      cause: new Error('secret'),
    }).toJSON();
    expect(json).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'bad',
      category: 'Input',
      domain: 'BACKEND',
      retryable: false,
      recovery: 'FIX_INPUT',
      details: { field: 'x' },
    });
  });
});

describe('retry with backoff and jitter', () => {
  it('grows exponentially up to the cap, jittered within [cap/2, cap]', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, { ...policy, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, { ...policy, random: () => 0.999999 })).toBe(99);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(200);
    expect(backoffDelay(10, { ...policy, random: () => 0.999999 })).toBe(999);
  });

  it('retries retryable errors until success', async () => {
    let calls = 0;
    const delays: number[] = [];
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new ChoirError('QDRANT_UNAVAILABLE', 'down');
        return 'ok';
      },
      { attempts: 5, baseDelayMs: 1, maxDelayMs: 2, onRetry: (_e, _a, d) => delays.push(d) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it('does not retry a non-retryable error and stops after the attempts', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ChoirError('BAD_USER_INPUT', 'no');
        },
        { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
      ),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ChoirError('DATABASE_UNAVAILABLE', 'down');
        },
        { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(3);
  });

  it('an abort signal cuts the wait short', async () => {
    const controller = new AbortController();
    const run = withRetry(
      async () => {
        throw new ChoirError('DATABASE_UNAVAILABLE', 'down');
      },
      { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal },
    );
    controller.abort(new Error('shutting down'));
    await expect(run).rejects.toThrow('shutting down');
  });
});
