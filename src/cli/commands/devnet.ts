import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../observability/logger.js';
import { Lifecycle } from '../../runtime/lifecycle.js';
import type { Command } from '../command.js';

export const devnetCommand: Command = {
  name: 'devnet',
  summary: 'Run the local chain alone: LiteSVM + Solana JSON-RPC (8899), WebSocket (8900), Geyser gRPC (10000)',
  usage: 'choir devnet',
  async run(args) {
    if (args.positionals.length) {
      process.stderr.write(`choir devnet: unknown subcommand "${args.positionals[0]}"\nusage: ${this.usage}\n`);
      return 2;
    }
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const lifecycle = new Lifecycle(logger);
    const stopped = lifecycle.trapSignals();
    const { startDevnet } = await import('../../devnet/index.js');
    const devnet = await startDevnet(config.devnet, logger);
    lifecycle.onClose('devnet', () => devnet.close());
    process.stderr.write(
      `choir devnet: JSON-RPC ${devnet.rpcUrl}  WebSocket ${devnet.wsUrl}  Geyser ${devnet.geyserUrl}  genesis ${devnet.ledger.genesisHash}\n`,
    );
    await stopped;
    return 0;
  },
};
