/**
 * The chain a role process talks to. A role never runs the devnet itself (the `all` process or `choir devnet`
 * does): with no endpoints configured it uses the local devnet's ports from the settings.
 */
import { resolveChainEndpoints } from '../../chain/endpoints.js';
import type { RelayerChain } from '../../chain/open-relayer.js';
import type { Config } from '../../config/index.js';

export interface RoleChain {
  readonly rpcUrl: string;
  readonly geyserUrl: string;
  readonly geyserXToken: string | undefined;
  /** The local devnet's data folder (the relayer's key persists beside it); undefined on a real cluster. */
  readonly devnetDataDir?: string;
}

export function roleChain(config: Config): RoleChain {
  const endpoints = resolveChainEndpoints(config.indexer);
  if (endpoints.mode === 'remote') return endpoints;
  const host = `http://${config.devnet.host === '0.0.0.0' ? '127.0.0.1' : config.devnet.host}`;
  return {
    rpcUrl: `${host}:${config.devnet.rpcPort}`,
    geyserUrl: `${host}:${config.devnet.geyserPort}`,
    geyserXToken: config.devnet.xToken,
    devnetDataDir: config.devnet.dataDir,
  };
}

/** The chain as the relayer needs it: on the local devnet, the folder its key persists beside. */
export function relayerChain(chain: RoleChain): RelayerChain {
  return { rpcUrl: chain.rpcUrl, ...(chain.devnetDataDir ? { devnetDataDir: chain.devnetDataDir } : {}) };
}
