import { networkFailure } from '../errors/index.js';
import type { ReadinessCheck } from '../observability/health.js';

const COMMITMENTS = ['processed', 'confirmed', 'finalized'] as const;

/**
 * A Solana JSON-RPC endpoint is ready when `getHealth` answers "ok". The report labels the chain's slot at each
 * commitment (a young devnet's finalized slot is 0 while its processed slot is 26: both are right) — one batch
 * request, so the check stays cheap.
 */
export function rpcReadiness(rpcUrl: string, timeoutMs = 2_000): ReadinessCheck {
  const batch = [
    { jsonrpc: '2.0', id: 0, method: 'getHealth' },
    ...COMMITMENTS.map((commitment, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'getSlot', params: [{ commitment }] })),
  ];
  return {
    name: 'chain',
    async check() {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(timeoutMs),
      }).catch((err: unknown) => {
        // "fetch failed" says nothing: name the endpoint and the reason.
        const failure = networkFailure(err);
        throw failure ? new Error(`${rpcUrl} did not answer (${failure.reason})`) : err;
      });
      const answers = (await res.json()) as { id: number; result?: unknown; error?: { message?: string } }[];
      if (!Array.isArray(answers)) throw new Error(`${rpcUrl} did not answer the batch: HTTP ${res.status}`);
      const byId = new Map(answers.map((a) => [a.id, a]));
      const health = byId.get(0);
      if (health?.error) throw new Error(`getHealth: ${health.error.message ?? 'error'}`);
      if (health?.result !== 'ok') throw new Error(`getHealth answered ${JSON.stringify(health?.result)}`);
      const slot = (i: number) => (typeof byId.get(i + 1)?.result === 'number' ? byId.get(i + 1)?.result : null);
      return {
        rpcUrl,
        processedSlot: slot(0),
        confirmedSlot: slot(1),
        finalizedSlot: slot(2),
      };
    },
  };
}
