/**
 * What a `choir start` under test needs so it collides with neither other tests nor a developer's running instance:
 * its own ports and data folders (under `dir`); defaults everywhere else. The devnet's ports are '0' (it picks free
 * ones) unless a test needs to know them in advance.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ChoirProcess } from './choir-process.js';
import { freePort } from './ports.js';

/**
 * A describe block's folder for `choir start` data (readable by the embedded Postgres' own user) and the list of
 * the processes it starts: after the block, those still running are killed and the folder removed.
 */
export function useStartDir(prefix: string): { dir: string; running: ChoirProcess[] } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const running: ChoirProcess[] = [];
  afterAll(() => {
    for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, running };
}

export interface DevnetPorts {
  readonly rpc?: number;
  readonly ws?: number;
  readonly geyser?: number;
}

export async function privateStartEnv(dir: string, devnet: DevnetPorts = {}) {
  return {
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_PG_DIR: join(dir, 'pg'),
    DEVNET_DATA_DIR: join(dir, 'devnet'),
    DEVNET_RPC_PORT: String(devnet.rpc ?? 0),
    DEVNET_WS_PORT: String(devnet.ws ?? 0),
    DEVNET_GEYSER_PORT: String(devnet.geyser ?? 0),
    VECTOR_DATA_DIR: join(dir, 'vectors'),
  };
}

/**
 * `startStack` in the test's own process on a test database: an in-memory devnet folder under `dir` on ports it
 * picks, the vector store in memory, every part in this process (the config object given, not the environment,
 * is what it runs with).
 */
export async function inProcessStackEnv(databaseUrl: string, dir: string) {
  return {
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DEVNET_DATA_DIR: join(dir, 'devnet'),
    DEVNET_RPC_PORT: '0',
    DEVNET_WS_PORT: '0',
    DEVNET_GEYSER_PORT: '0',
    VECTOR_DATA_DIR: 'memory://',
    ISOLATE_PARTS: 'false',
  };
}
