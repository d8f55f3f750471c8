import type { ReadinessCheck } from '../observability/health.js';

/** A Solana JSON-RPC endpoint is ready when `getHealth` answers "ok" (the slot is reported for the /readyz page). */
export function rpcReadiness(rpcUrl: string, timeoutMs = 2_000): ReadinessCheck {
  const call = async (method: string) => {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message ?? 'error'}`);
    return body.result;
  };
  return {
    name: 'chain',
    async check() {
      const health = await call('getHealth');
      if (health !== 'ok') throw new Error(`getHealth answered ${JSON.stringify(health)}`);
      return { slot: (await call('getSlot')) as number };
    },
  };
}
