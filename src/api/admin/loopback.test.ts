import { describe, expect, it } from 'vitest';
import { isLoopbackRequest } from './loopback.js';

const req = (remoteAddress: string | undefined, headers: Record<string, string> = { host: '127.0.0.1:4000' }) => ({
  remoteAddress,
  headers,
});

describe('isLoopbackRequest', () => {
  it('admits a direct local caller naming a loopback host', () => {
    expect(isLoopbackRequest(req('127.0.0.1'))).toBe(true);
    expect(isLoopbackRequest(req('::1', { host: '[::1]:4000' }))).toBe(true);
    expect(isLoopbackRequest(req('::ffff:127.0.0.1', { host: 'localhost:4000' }))).toBe(true);
  });

  it('refuses remote peers, proxied requests and foreign Host names', () => {
    expect(isLoopbackRequest(req('10.0.0.7'))).toBe(false);
    expect(isLoopbackRequest(req(undefined))).toBe(false);
    expect(isLoopbackRequest(req('127.0.0.1', { host: '127.0.0.1', 'x-forwarded-for': '203.0.113.9' }))).toBe(false);
    expect(isLoopbackRequest(req('127.0.0.1', { host: '127.0.0.1', forwarded: 'for=203.0.113.9' }))).toBe(false);
    expect(isLoopbackRequest(req('127.0.0.1', { host: 'evil.example:4000' }))).toBe(false);
    expect(isLoopbackRequest(req('127.0.0.1', {}))).toBe(false);
  });
});
