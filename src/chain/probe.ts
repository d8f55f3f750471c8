/**
 * One cheap question to each chain endpoint before a command depends on it, so "the devnet is not running" is
 * said at once, naming the URL, instead of surfacing as retries of "fetch failed" in the logs.
 */
import { connect } from 'node:net';
import { type Endpoint, naming } from '../errors/index.js';

/** Resolves when the JSON-RPC endpoint answers `getHealth` at all (any JSON-RPC answer counts: it is up). */
export function probeRpc(endpoint: Endpoint, timeoutMs = 5_000): Promise<void> {
  return naming(endpoint, async () => {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getHealth' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
  });
}

/** Resolves when a TCP connection to the endpoint's host and port opens (a gRPC server listens there). */
export function probeTcp(endpoint: Endpoint, timeoutMs = 5_000): Promise<void> {
  const url = new URL(endpoint.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return naming(
    endpoint,
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port, timeout: timeoutMs });
        socket.once('connect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('timeout', () => {
          socket.destroy();
          reject(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT' }));
        });
        socket.once('error', reject);
      }),
  );
}
