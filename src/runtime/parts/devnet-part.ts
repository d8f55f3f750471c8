/**
 * Entry of the devnet child process of `choir start`: the local chain (ledger, JSON-RPC, RPC WebSocket, Geyser) in
 * its own event loop, so a heavy JSON-RPC batch or a Geyser replay never holds up the API. The supervisor already
 * locked the data folder (`lockHeldBy`); a restart reuses the ports of the first run, so URLs stay valid.
 */
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../observability/logger.js';
import { runPart } from './run-part.js';

export interface DevnetPartOptions {
  /** The pid of the supervisor holding DEVNET_DATA_DIR's lock. */
  readonly lockHeldBy: number;
  /** Ports to listen on instead of the settings' (a restart reuses the first run's, which may have been 0). */
  readonly ports?: { readonly rpc: number; readonly ws: number; readonly geyser: number };
}

export interface DevnetPartInfo {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly geyserUrl: string;
  readonly genesisHash: string;
  readonly ports: { readonly rpc: number; readonly ws: number; readonly geyser: number };
}

const port = (url: string) => Number(new URL(url).port);

await runPart<DevnetPartOptions>('devnet', async (options) => {
  const config = loadConfig();
  const logger = createLogger(config.logging).child({ part: 'devnet' });
  const { startDevnet } = await import('../../devnet/index.js');
  const settings = options.ports
    ? { ...config.devnet, rpcPort: options.ports.rpc, wsPort: options.ports.ws, geyserPort: options.ports.geyser }
    : config.devnet;
  const devnet = await startDevnet(settings, logger, { lockHeldBy: options.lockHeldBy });
  const info: DevnetPartInfo = {
    rpcUrl: devnet.rpcUrl,
    wsUrl: devnet.wsUrl,
    geyserUrl: devnet.geyserUrl,
    genesisHash: devnet.ledger.genesisHash,
    ports: { rpc: port(devnet.rpcUrl), ws: port(devnet.wsUrl), geyser: port(devnet.geyserUrl) },
  };
  return { info: { ...info }, close: () => devnet.close() };
});
