import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../observability/logger.js';
import { Lifecycle } from '../../runtime/lifecycle.js';
import type { Command } from '../command.js';
import { startBanner } from '../start-banner.js';
import { parseRole, runRole } from '../start-role.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the service until SIGINT/SIGTERM (embedded Postgres, devnet and vector store unless configured)',
  usage: 'choir start [--role all|api|indexer|worker] [--reset-index]',
  description: [
    '  --role all      everything in this process (default): embedded Postgres and devnet unless configured',
    '  --role api      the GraphQL API only (run several behind a load balancer; search needs QDRANT_URL)',
    '  --role indexer  the Geyser indexer only (run two: one leads, the other stands by)',
    '  --role worker   the submission workers and the relayer only',
    'A role process serves /healthz, /readyz and /metrics on PORT and never runs the devnet: it uses',
    'SOLANA_RPC_URL/GEYSER_URL, or the local devnet of `choir devnet` (docs/scaling.md).',
    '  --reset-index   the indexed data belongs to another chain: wipe it and re-index',
  ],
  options: { 'reset-index': { type: 'boolean', default: false }, role: { type: 'string' } },
  async run(args) {
    const role = parseRole(args.values.role);
    if (role !== 'all') return runRole(role, { resetIndex: args.values['reset-index'] === true });
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const lifecycle = new Lifecycle(logger);
    const stopped = lifecycle.trapSignals();
    try {
      // Loaded here, not at the top: `choir help` and friends should not pay for the whole stack's imports.
      const { startStack } = await import('../../runtime/stack.js');
      const stack = await startStack(config, logger, lifecycle, { resetIndex: args.values['reset-index'] === true });
      // A part that stops for good (the indexer found the database indexed another chain, the devnet cannot
      // restart) stops the service with its error and exit code: serving stale or foreign data as if it were current
      // would be worse than not serving.
      void stack.failed.then(async ({ error, exitCode }) => {
        if (lifecycle.stopRequested) return;
        const hint =
          error.code === 'SOLANA_WRONG_CHAIN'
            ? '\n(if the chain was reset on purpose, run `choir start --reset-index` to re-index it)'
            : '';
        process.stderr.write(`choir start: ${error.code}: ${error.message}${hint}\n`);
        await lifecycle.close();
        process.exit(exitCode);
      });
      // Printed plainly so a person can copy them; the embedded server's password is a local-only default.
      process.stderr.write(
        startBanner({
          apiUrl: stack.http.url(),
          host: config.server.host,
          postgres: { embedded: stack.db.embedded, url: stack.db.url },
          chain: { ...stack.chain, devnet: stack.chain.local },
          vectors: `${stack.vectorStore.backend} (${stack.embedder.kind} embedder, ${stack.embedder.dimension} dims)`,
        }),
      );
    } catch (err) {
      await lifecycle.close();
      throw err;
    }
    await stopped;
    logger.info('stopped');
    return 0;
  },
};
