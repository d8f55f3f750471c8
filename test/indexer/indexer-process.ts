/** Spawns `indexer/main.ts` as a real process (so tests can kill -9 it). */
import { join } from 'node:path';
import type { Devnet } from '../../src/devnet/index.js';
import { type ChoirProcess, spawnNode } from '../support/choir-process.js';

const root = join(import.meta.dirname, '..', '..');

export type IndexerProcess = ChoirProcess;

export function spawnIndexer(
  devnet: Devnet,
  databaseUrl: string,
  env: Record<string, string> = {},
  args: string[] = [],
): IndexerProcess {
  return spawnNode(
    [join(root, 'bin', 'run-ts.js'), join(root, 'indexer', 'main.ts'), ...args],
    {
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
    (k) => !k.startsWith('INDEXER_'),
  );
}
