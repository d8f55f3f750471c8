import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../observability/logger.js';
import { Lifecycle } from '../../runtime/lifecycle.js';
import type { Command } from '../command.js';

export const indexerCommand: Command = {
  name: 'indexer',
  summary: 'Run only the Geyser indexer (several may run: one leads, the others stand by); --reset re-indexes',
  usage: 'choir indexer [--reset]',
  options: { reset: { type: 'boolean', default: false } },
  async run(args) {
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const lifecycle = new Lifecycle(logger);
    const stopped = lifecycle.trapSignals();
    const [{ resolveChainEndpoints }, { openDatabase }, { startIndexer }] = await Promise.all([
      import('../../chain/endpoints.js'),
      import('../../db/database.js'),
      import('../../../indexer/index.js'),
    ]);
    const endpoints = resolveChainEndpoints(config.indexer);
    // With no endpoints configured, the chain is the local devnet that `choir start` or `choir devnet` runs.
    const devnetHost = `http://${config.devnet.host}`;
    const chain =
      endpoints.mode === 'remote'
        ? endpoints
        : {
            rpcUrl: `${devnetHost}:${config.devnet.rpcPort}`,
            geyserUrl: `${devnetHost}:${config.devnet.geyserPort}`,
            geyserXToken: config.devnet.xToken,
          };
    // Said at once, naming the URL: otherwise the indexer would only log retries of "fetch failed".
    const fix =
      endpoints.mode === 'remote'
        ? 'check the URL and the provider, or unset SOLANA_RPC_URL and GEYSER_URL to index the local devnet'
        : 'start the local chain first (`choir devnet`, or `npm start`, which runs everything), or set SOLANA_RPC_URL and GEYSER_URL';
    const { probeRpc, probeTcp } = await import('../../chain/probe.js');
    await probeRpc({ code: 'SOLANA_RPC_UNAVAILABLE', service: 'the JSON-RPC', url: chain.rpcUrl, fix });
    await probeTcp({ code: 'SOLANA_STREAM_FAILED', service: 'the Geyser gRPC server', url: chain.geyserUrl, fix });
    const db = await openDatabase(config.database, logger);
    lifecycle.onClose('database', () => db.close());
    // Vector payload updates: a Qdrant store can be shared by many processes; the embedded store belongs to the
    // `choir start` process, whose own outbox worker applies the updates this indexer queues.
    let vectorStore: import('../../vector/index.js').VectorStore | undefined;
    if (config.vector.qdrant) {
      const { createVectorStore } = await import('../../vector/index.js');
      const { createEmbedder } = await import('../../embed/index.js');
      const embedder = await createEmbedder(config.embed, logger);
      await embedder.close();
      vectorStore = await createVectorStore(config.vector, logger, embedder);
      lifecycle.onClose('vector-store', () => vectorStore!.close());
    }
    const indexer = startIndexer({
      db,
      settings: { ...config.indexer, ...chain },
      logger,
      vectorStore,
      reset: args.values.reset === true,
    });
    lifecycle.onClose('indexer', () => indexer.close());
    await Promise.race([stopped, indexer.stopped]);
    const status = indexer.status();
    await lifecycle.close();
    if (status.state === 'failed') {
      process.stderr.write(`choir indexer: ${status.lastError}\n`);
      return 1;
    }
    return 0;
  },
};
