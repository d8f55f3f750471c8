import { describe, expect, it } from 'vitest';
import { runChoir, waitForStatus } from '../support/choir-process.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { healthzUnderLoad } from '../support/healthz-under-load.js';
import { privateStartEnv, useStartDir } from '../support/start-env.js';

describe.skipIf(skipEmbeddedPostgres('healthz under load'))(
  '/healthz while the chain and the indexer work hard',
  () => {
    const { dir, running } = useStartDir('choir-load-');

    it('keeps /healthz p99 under 50 ms during a 330-call getProgramAccounts batch and an ingest burst', async () => {
      const env = await privateStartEnv(dir);
      const api = `http://127.0.0.1:${env.PORT}`;
      const main = runChoir(['start'], env);
      running.push(main);
      const report = await waitForStatus(`${api}/readyz`, 200, main, 240_000);
      const rpcUrl = report.dependencies.find((d: { name: string }) => d.name === 'chain').details.rpcUrl;

      const load = await healthzUnderLoad({ apiUrl: api, rpcUrl, env });
      console.info(
        `[healthz under load] ${load.requests} requests in ${load.seconds.toFixed(1)} s, p50 ${load.p50Ms.toFixed(1)} ms, p99 ${load.p99Ms.toFixed(1)} ms, max ${load.maxMs.toFixed(1)} ms; the batches returned ${(load.batchBytes / 1e6).toFixed(1)} MB`,
      );
      expect(load.batchBytes).toBeGreaterThan(3 * 10e6); // three batches of well over 10 MB: the heavy kind
      expect(load.requests).toBeGreaterThan(50);
      expect(load.allOk).toBe(true);
      expect(load.burstOk).toBe(true);
      expect(load.p99Ms).toBeLessThan(50);
      // And the indexer took the burst in: ready again once it caught up.
      await waitForStatus(`${api}/readyz`, 200, main);
      main.child.kill('SIGTERM');
      expect(await main.exited).toBe(0);
    }, 420_000);
  },
);
