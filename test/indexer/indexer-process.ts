/** Spawns `indexer/main.ts` as a real process (so tests can kill -9 it). */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Devnet } from '../../src/devnet/index.js';

const root = join(import.meta.dirname, '..', '..');

export interface IndexerProcess {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | string>;
}

export function spawnIndexer(
  devnet: Devnet,
  databaseUrl: string,
  env: Record<string, string> = {},
  args: string[] = [],
) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && !k.startsWith('INDEXER_'),
    ),
  );
  const child = spawn(process.execPath, [join(root, 'bin', 'run-ts.js'), join(root, 'indexer', 'main.ts'), ...args], {
    cwd: root,
    env: {
      ...base,
      DATABASE_URL: databaseUrl,
      GEYSER_URL: devnet.geyserUrl,
      SOLANA_RPC_URL: devnet.rpcUrl,
      INDEXER_BATCH_MS: '5',
      INDEXER_BATCH_MAX: '500',
      INDEXER_PING_DEADLINE_MS: '2000',
      INDEXER_RECONNECT_BASE_MS: '20',
      INDEXER_RECONNECT_MAX_MS: '300',
      INDEXER_LEADER_POLL_MS: '200',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? '?')),
  );
  const p: IndexerProcess = { child, output: () => output, exited };
  return p;
}
