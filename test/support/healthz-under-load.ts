/**
 * The load of issue 18's isolation finding, against a running `choir start`: seed the devnet, wait until the
 * seeded accounts are finalized (getProgramAccounts' default commitment), then — from other processes, so the
 * measuring one stays idle — send a 330-call getProgramAccounts batch three times and land a second seed (an ingest
 * burst), while GET /healthz is timed every 10 ms. Shared by test/cli/isolation.test.ts and bench/healthz-under-load.
 */
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import { runChoir, spawnNode } from './choir-process.js';

export interface HealthzUnderLoad {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Every /healthz answered 200. */
  readonly allOk: boolean;
  /** /healthz requests that failed (no answer, connection closed). */
  readonly failedRequests: number;
  /** The ingest burst (a second seed) landed every transaction. */
  readonly burstOk: boolean;
  /** Bytes the three batches returned. */
  readonly batchBytes: number;
  readonly seconds: number;
}

/** `getProgramAccounts` of the Choir program `count` times in one batch: about 45 KB for 330 (the devnet takes 50 KiB). */
export function programAccountsBatch(count: number): string {
  const call = (id: number) => ({
    jsonrpc: '2.0',
    id,
    method: 'getProgramAccounts',
    params: [CHOIR_PROGRAM_ID.toBase58(), { encoding: 'base64' }],
  });
  return JSON.stringify(Array.from({ length: count }, (_, i) => call(i)));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function seed(rpcUrl: string, env: Record<string, string>, threads: number, messages: number) {
  const proc = runChoir(
    ['devnet', 'seed', '--rpc', rpcUrl, '--threads', String(threads), '--messages', String(messages)],
    env,
  );
  const code = await proc.exited;
  if (code !== 0) throw new Error(`choir devnet seed exited with ${code}:\n${proc.output()}`);
}

async function finalizedAccounts(rpcUrl: string): Promise<number> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: programAccountsBatch(1),
  });
  const [answer] = (await res.json()) as { result?: unknown[] }[];
  return answer?.result?.length ?? 0;
}

export async function healthzUnderLoad(o: {
  readonly apiUrl: string;
  readonly rpcUrl: string;
  readonly env: Record<string, string>;
}): Promise<HealthzUnderLoad> {
  // 4 threads × (40 messages + 3 specs): ~175 program accounts for each getProgramAccounts to return.
  await seed(o.rpcUrl, o.env, 4, 40);
  const deadline = Date.now() + 120_000;
  while ((await finalizedAccounts(o.rpcUrl)) < 160) {
    if (Date.now() > deadline) throw new Error('the seeded accounts did not reach finalized in 120 s');
    await new Promise((r) => setTimeout(r, 500));
  }

  const started = performance.now();
  const body = programAccountsBatch(330);
  const batches = spawnNode(
    [
      '-e',
      `const body = ${JSON.stringify(body)}; let bytes = 0; (async () => { for (let i = 0; i < 3; i++) { const r = await fetch(${JSON.stringify(o.rpcUrl)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body }); bytes += (await r.arrayBuffer()).byteLength; } console.log(JSON.stringify({ bytes })); })();`,
    ],
    {},
  );
  const burst = seed(o.rpcUrl, o.env, 4, 60).then(
    () => true,
    () => false,
  );
  let done = false;
  const load = Promise.all([batches.exited, burst]).finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  let allOk = true;
  let failedRequests = 0;
  while (!done) {
    const t = performance.now();
    try {
      const res = await fetch(`${o.apiUrl}/healthz`);
      await res.arrayBuffer();
      allOk &&= res.status === 200;
    } catch {
      failedRequests++;
      allOk = false;
    }
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  const [batchesExit, burstOk] = await load;
  if (batchesExit !== 0) throw new Error(`the batch load exited with ${batchesExit}:\n${batches.output()}`);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    allOk,
    failedRequests,
    burstOk,
    batchBytes: (JSON.parse(batches.stdout()) as { bytes: number }).bytes,
    seconds: (performance.now() - started) / 1000,
  };
}
