/**
 * The consistency tools with no service running: this process opens Postgres, the embedder, the vector store and
 * (for sync and reconcile) the chain's RPC itself. The embedded vector store's folder is locked first, so a
 * `choir start` cannot open it meanwhile (and one already running makes this stop with ALREADY_RUNNING).
 */
import type { Config } from '../config/index.js';
import type { ConsistencyOperations } from '../consistency/operations.js';
import { ChoirError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { IN_MEMORY } from '../vector/index.js';

export interface LocalConsistency {
  readonly operations: ConsistencyOperations;
  close(): Promise<void>;
}

/** The chain's RPC the settings name: a configured endpoint, or the local devnet's port. */
function rpcUrlOf(config: Config, mode: 'devnet' | 'remote', remoteUrl: string | undefined): string {
  if (mode === 'remote' && remoteUrl) return remoteUrl;
  const host = config.devnet.host === '0.0.0.0' ? '127.0.0.1' : config.devnet.host;
  return `http://${host}:${config.devnet.rpcPort}`;
}

export async function openLocalConsistency(
  config: Config,
  logger: Logger,
  needsChain: boolean,
): Promise<LocalConsistency> {
  const [
    { resolveChainEndpoints },
    { createRpcClient },
    { openDatabase, assertMigrated },
    embed,
    vector,
    dirLock,
    ops,
  ] = await Promise.all([
    import('../chain/endpoints.js'),
    import('../chain/rpc-client.js'),
    import('../db/database.js'),
    import('../embed/index.js'),
    import('../vector/index.js'),
    import('../runtime/dir-lock.js'),
    import('../consistency/operations.js'),
  ]);
  const { CHOIR_PROGRAM_ID } = await import('../../programs/choir/client/index.js');
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const endpoints = resolveChainEndpoints(config.indexer);
    const rpc = createRpcClient(
      rpcUrlOf(config, endpoints.mode, endpoints.mode === 'remote' ? endpoints.rpcUrl : undefined),
    );
    if (needsChain) {
      try {
        await rpc.call('getSlot', [{ commitment: 'confirmed' }]);
      } catch (err) {
        throw new ChoirError(
          'SOLANA_RPC_UNAVAILABLE',
          `no chain to compare with at ${rpc.url}: the local devnet runs inside \`choir start\` (or \`choir devnet\`); start one, or set SOLANA_RPC_URL and GEYSER_URL`,
          { cause: err },
        );
      }
    }
    if (!config.vector.qdrant && config.vector.dataDir !== IN_MEMORY) {
      const lock = dirLock.lockDir(config.vector.dataDir, { variable: 'VECTOR_DATA_DIR' });
      closers.push(() => lock.release());
    }
    const db = await openDatabase(config.database, logger, { migrate: false });
    closers.push(() => db.close());
    await assertMigrated(db.pool);
    const embedder = await embed.createEmbedder(config.embed, logger, {
      maxContentBytes: config.vector.maxContentBytes,
    });
    closers.push(() => embedder.close());
    const store = await vector.createVectorStore(config.vector, logger, embedder);
    closers.push(() => store.close());
    const operations = ops.consistencyOperations({
      pool: db.pool,
      store,
      embedder,
      rpc,
      programId: CHOIR_PROGRAM_ID.toBase58(),
      stream: config.indexer.stream,
      logger,
    });
    return { operations, close };
  } catch (err) {
    await close();
    throw err;
  }
}
