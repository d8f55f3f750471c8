import { describe, expect, it } from 'vitest';
import { isChoirError } from './index.js';
import { naming, networkFailure, unreachable } from './unreachable.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8899'), {
  code: 'ECONNREFUSED',
  address: '127.0.0.1',
  port: 8899,
});

describe('networkFailure', () => {
  it("finds the socket error under fetch's TypeError and inside an AggregateError", () => {
    const fetchFailed = new TypeError('fetch failed', { cause: refused });
    expect(networkFailure(fetchFailed)).toEqual({
      code: 'ECONNREFUSED',
      reason: 'connection refused',
      address: '127.0.0.1:8899',
    });
    const dualStack = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('x'), { code: 'ETIMEDOUT' })]),
    });
    expect(networkFailure(dualStack)?.reason).toBe('timed out');
    expect(networkFailure(new Error('wrapped', { cause: { code: 'UND_ERR_SOCKET' } }))?.reason).toBe(
      'connection closed',
    );
  });

  it('is null for errors that are not about the network', () => {
    expect(networkFailure(new Error('boom'))).toBeNull();
    expect(networkFailure(Object.assign(new Error('no'), { code: 'ENOENT' }))).toBeNull();
    expect(networkFailure('fetch failed')).toBeNull();
    const loop: { cause?: unknown; code?: string } = {};
    loop.cause = loop;
    expect(networkFailure(loop)).toBeNull();
  });
});

describe('unreachable / naming', () => {
  const endpoint = {
    code: 'SOLANA_RPC_UNAVAILABLE' as const,
    service: 'the devnet JSON-RPC',
    url: 'http://127.0.0.1:8899',
    fix: 'start it with `npm start`, or pass --rpc URL',
  };

  it('says which service at which URL did not answer, why, and what to do', () => {
    const err = unreachable(new TypeError('fetch failed', { cause: refused }), endpoint);
    expect(isChoirError(err, 'SOLANA_RPC_UNAVAILABLE')).toBe(true);
    expect(err?.message).toBe(
      'the devnet JSON-RPC at http://127.0.0.1:8899 did not answer (connection refused): start it with `npm start`, or pass --rpc URL',
    );
  });

  it('passes other errors through unchanged', async () => {
    const other = new Error('bad input');
    expect(unreachable(other, endpoint)).toBeNull();
    await expect(naming(endpoint, () => Promise.reject(other))).rejects.toBe(other);
    await expect(naming(endpoint, () => Promise.resolve(3))).resolves.toBe(3);
    await expect(naming(endpoint, () => Promise.reject(refused))).rejects.toThrow(/did not answer/);
  });
});
