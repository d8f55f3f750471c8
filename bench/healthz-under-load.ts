// `npm run bench -- healthz-under-load`: /healthz latency of a running `choir start` while a 330-call
// getProgramAccounts JSON-RPC batch (three times) and an ingest burst (a second `choir devnet seed`) run — with the
// devnet and the indexer in child processes (ISOLATE_PARTS=true, the default) and, for comparison, all in one
// process (ISOLATE_PARTS=false). Goal: p99 < 50 ms isolated. Readable lines first; the LAST line is `RESULT {json}`.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChoir, waitForStatus } from '../test/support/choir-process.js';
import { type HealthzUnderLoad, healthzUnderLoad } from '../test/support/healthz-under-load.js';
import { privateStartEnv } from '../test/support/start-env.js';

async function measure(isolate: boolean): Promise<HealthzUnderLoad> {
  const dir = mkdtempSync(join(tmpdir(), 'choir-bench-healthz-'));
  chmodSync(dir, 0o755);
  const env = {
    ...(await privateStartEnv(dir)),
    ISOLATE_PARTS: String(isolate),
    LOG_LEVEL: 'warn',
  };
  const api = `http://127.0.0.1:${env.PORT}`;
  const choir = runChoir(['start'], env);
  try {
    const report = await waitForStatus(`${api}/readyz`, 200, choir, 240_000);
    const rpcUrl = report.dependencies.find((d: { name: string }) => d.name === 'chain').details.rpcUrl as string;
    return await healthzUnderLoad({ apiUrl: api, rpcUrl, env });
  } finally {
    choir.child.kill('SIGTERM');
    await choir.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v: number) => Math.round(v * 10) / 10;
const results: Record<string, HealthzUnderLoad> = {};
for (const [name, isolate] of [
  ['isolated', true],
  ['oneProcess', false],
] as const) {
  const r = await measure(isolate);
  results[name] = r;
  console.log(
    `${name.padEnd(10)} /healthz: ${r.requests} requests in ${r.seconds.toFixed(1)} s, p50 ${ms(r.p50Ms)} ms, p99 ${ms(r.p99Ms)} ms, max ${ms(r.maxMs)} ms, ${r.failedRequests} failed; batches ${(r.batchBytes / 1e6).toFixed(1)} MB; ingest burst ${r.burstOk ? 'landed' : 'FAILED'}`,
  );
}
const isolatedP99 = ms(results.isolated?.p99Ms ?? Number.NaN);
console.log(
  `RESULT ${JSON.stringify({
    isolated: results.isolated,
    oneProcess: results.oneProcess,
    goals: [
      {
        name: '/healthz p99 under load, parts isolated (ms)',
        target: '< 50',
        value: isolatedP99,
        pass: isolatedP99 < 50 && results.isolated?.allOk === true,
      },
    ],
  })}`,
);
