import { loadConfig } from '../../config/index.js';
import { ChoirError, naming } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import { Lifecycle } from '../../runtime/lifecycle.js';
import type { Command, ParsedArgs } from '../command.js';
import { offerSeedContent } from '../offer-seed-content.js';
import { serviceUrl } from '../service-client.js';

const USAGE = 'choir devnet [seed [--rpc URL] [--threads N] [--messages N] [--specs N]]';

export const devnetCommand: Command = {
  name: 'devnet',
  summary:
    'Run the local chain alone (JSON-RPC 8899, WebSocket 8900, Geyser 10000); `devnet seed` fills it with demo data (and hands their texts to a choir service running here)',
  usage: USAGE,
  options: {
    rpc: { type: 'string' },
    threads: { type: 'string' },
    messages: { type: 'string' },
    specs: { type: 'string' },
  },
  async run(args) {
    const [sub, ...extra] = args.positionals;
    if (extra.length || (sub !== undefined && sub !== 'seed')) {
      throw new ChoirError('BAD_USER_INPUT', `unknown devnet subcommand "${sub}"\nusage: ${USAGE}`);
    }
    if (sub === 'seed') return seed(args);
    if (Object.values(args.values).some((v) => v !== undefined)) {
      throw new ChoirError(
        'BAD_USER_INPUT',
        `options --rpc/--threads/--messages/--specs belong to \`devnet seed\`\nusage: ${USAGE}`,
      );
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

function count(args: ParsedArgs, name: string, max: number): number | undefined {
  const raw = args.values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) > max) {
    throw new ChoirError(
      'BAD_USER_INPUT',
      `--${name} must be an integer from 0 to ${max} (got ${JSON.stringify(raw)})`,
    );
  }
  return Number(raw);
}

async function seed(args: ParsedArgs): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logging);
  const rpcUrl =
    typeof args.values.rpc === 'string' ? args.values.rpc : `http://${config.devnet.host}:${config.devnet.rpcPort}`;
  try {
    new URL(rpcUrl);
  } catch {
    throw new ChoirError(
      'BAD_USER_INPUT',
      `--rpc must be a URL (got ${JSON.stringify(rpcUrl)}; example: --rpc http://127.0.0.1:8899)`,
    );
  }
  const options = {
    threads: count(args, 'threads', 100),
    messagesPerThread: count(args, 'messages', 1_000),
    specsPerThread: count(args, 'specs', 100),
  };
  const { seedDevnet } = await import('../../devnet/index.js');
  const endpoint = {
    code: 'SOLANA_RPC_UNAVAILABLE',
    service: 'the devnet JSON-RPC',
    url: rpcUrl,
    fix:
      typeof args.values.rpc === 'string'
        ? 'check the URL given with --rpc, or start the chain it names'
        : 'start the chain (`npm start` or `choir devnet`), or pass --rpc URL (DEVNET_RPC_PORT sets the default port)',
  } as const;
  const result = await naming(endpoint, () =>
    seedDevnet({
      rpcUrl,
      logger,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    }),
  );
  // A service running here gets the texts (the chain holds only their hashes): searchable, and sync stays clean.
  const service = serviceUrl(config.server);
  if (service) await offerSeedContent(service, result.messages, logger);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
