import type { IndexerSettings } from '../config/sections/indexer.js';
import { ChoirError } from '../errors/index.js';

export type ChainEndpoints =
  | { mode: 'devnet' }
  | { mode: 'remote'; rpcUrl: string; geyserUrl: string; geyserXToken: string | undefined };

/**
 * Which chain choir talks to. With neither SOLANA_RPC_URL nor GEYSER_URL set, `choir start` runs the local devnet;
 * with both, it uses them. One without the other is a mistake worth stopping for: the indexer would backfill from one
 * chain and stream another.
 */
export function resolveChainEndpoints(settings: Pick<IndexerSettings, 'geyserUrl' | 'geyserXToken' | 'rpcUrl'>) {
  const { rpcUrl, geyserUrl } = settings;
  if (!rpcUrl && !geyserUrl) return { mode: 'devnet' } satisfies ChainEndpoints;
  if (!rpcUrl || !geyserUrl) {
    const missing = rpcUrl ? 'GEYSER_URL' : 'SOLANA_RPC_URL';
    const present = rpcUrl ? 'SOLANA_RPC_URL' : 'GEYSER_URL';
    throw new ChoirError(
      'CONFIG_INVALID',
      `${missing} is unset while ${present} is set: set both to use a real cluster, or neither for the local devnet (example: ${missing}=${missing === 'GEYSER_URL' ? 'https://geyser.example.com:443' : 'https://api.devnet.solana.com'})`,
    );
  }
  return { mode: 'remote', rpcUrl, geyserUrl, geyserXToken: settings.geyserXToken } satisfies ChainEndpoints;
}
