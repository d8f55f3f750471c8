/**
 * The whole service as `npm start` runs it (devnet, indexer, pipeline, API, web page), in a child process with its
 * own folders and ports, restartable on the same data: what the SDK and browser tests run against.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChoirProcess, runChoir, waitForStatus } from './choir-process.js';
import { freePort } from './ports.js';

export interface ChoirStack {
  /** http://127.0.0.1:PORT */
  base: string;
  /** …/graphql */
  url: string;
  rpcUrl: string;
  process(): ChoirProcess;
  /** SIGTERM, wait for the exit, start again on the same data and ports, wait until ready. */
  restart(between?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export async function startChoirStack(name: string): Promise<ChoirStack> {
  const dir = mkdtempSync(join(tmpdir(), `choir-${name}-`));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const rpcPort = await freePort();
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_PG_DIR: join(dir, 'pg'),
    DEVNET_DATA_DIR: join(dir, 'devnet'),
    DEVNET_RPC_PORT: String(rpcPort),
    DEVNET_WS_PORT: String(await freePort()),
    DEVNET_GEYSER_PORT: '0',
    VECTOR_DATA_DIR: join(dir, 'vectors'),
    // Browser tests sign in and post from several keys quickly.
    API_RATE_LIMIT_IP_PER_MINUTE: '0',
    API_RATE_LIMIT_PER_MINUTE: '0',
  };
  const base = `http://127.0.0.1:${port}`;
  let proc = runChoir(['start'], Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  await waitForStatus(`${base}/readyz`, 200, proc);
  return {
    base,
    url: `${base}/graphql`,
    rpcUrl: `http://127.0.0.1:${rpcPort}`,
    process: () => proc,
    async restart(between) {
      proc.child.kill('SIGTERM');
      await proc.exited;
      await between?.();
      proc = runChoir(['start'], Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
      await waitForStatus(`${base}/readyz`, 200, proc);
    },
    async stop() {
      if (proc.child.exitCode === null) {
        proc.child.kill('SIGTERM');
        await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Lamports for a key on the local devnet (fees and stakes of wallet-paid actions). */
export async function airdrop(rpcUrl: string, publicKey: string, lamports: number): Promise<void> {
  const call = async (method: string, params: unknown[]) => {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };
  await call('requestAirdrop', [publicKey, lamports]);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const balance = (await call('getBalance', [publicKey, { commitment: 'confirmed' }])) as { value: number };
    if (balance.value >= lamports) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`airdrop to ${publicKey} did not arrive`);
}
