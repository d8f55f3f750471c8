/**
 * The chain and the indexer of `choir start`, each in a child process supervised by this one (ISOLATE_PARTS=true,
 * the default) or in this process. Either way the stack gets the same things: the chain's URLs, a RunningIndexer,
 * and `failed`, which resolves when a part stops for good without being asked (with the exit code to pass up).
 *
 * With the indexer in a child, the vector payload updates it queues are applied here, by the process that owns
 * the vector store (one owner only for the embedded store).
 */
import { type RunningIndexer, startIndexer, startVectorPayloadWorker } from '../../../indexer/index.js';
import type { ChainEndpoints } from '../../chain/endpoints.js';
import type { Config } from '../../config/index.js';
import type { Database } from '../../db/database.js';
import { type Devnet, startDevnet } from '../../devnet/index.js';
import { ChoirError } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';
import type { VectorStore } from '../../vector/index.js';
import type { Lifecycle } from '../lifecycle.js';
import type { PartExit } from './supervisor.js';

export interface StackChain {
  readonly rpcUrl: string;
  readonly wsUrl?: string;
  readonly geyserUrl: string;
  readonly geyserXToken: string | undefined;
  /** The local devnet (run by this process or its child), not a real cluster. */
  readonly local: boolean;
  /** The devnet itself when it runs in this process (ISOLATE_PARTS=false). */
  readonly devnet?: Devnet;
}

/** Never resolves: a part that cannot fail on its own. */
const never = new Promise<PartExit>(() => {});

export async function startChain(
  config: Config,
  endpoints: ChainEndpoints,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<{ chain: StackChain; failed: Promise<PartExit> }> {
  if (endpoints.mode === 'remote') {
    const { rpcUrl, geyserUrl, geyserXToken } = endpoints;
    return { chain: { rpcUrl, geyserUrl, geyserXToken, local: false }, failed: never };
  }
  const geyserXToken = config.devnet.xToken;
  if (!config.server.isolateParts) {
    const devnet = await startDevnet(config.devnet, logger);
    lifecycle.onClose('devnet', () => devnet.close());
    const { rpcUrl, wsUrl, geyserUrl } = devnet;
    return { chain: { rpcUrl, wsUrl, geyserUrl, geyserXToken, local: true, devnet }, failed: never };
  }
  const { startDevnetChild } = await import('./devnet-child.js');
  const child = await startDevnetChild(logger);
  lifecycle.onClose('devnet', () => child.part.stop());
  const { rpcUrl, wsUrl, geyserUrl } = child.info;
  return { chain: { rpcUrl, wsUrl, geyserUrl, geyserXToken, local: true }, failed: child.part.failed };
}

export interface IndexingOptions {
  readonly config: Config;
  readonly db: Database;
  readonly chain: StackChain;
  readonly vectorStore: VectorStore;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly metrics: import('prom-client').Registry;
  readonly resetIndex: boolean;
  readonly onCommit: (info: { applied: number; arrivedAt: number }) => void;
}

export async function startIndexing(
  o: IndexingOptions,
): Promise<{ indexer: RunningIndexer; failed: Promise<PartExit> }> {
  const settings = {
    ...o.config.indexer,
    rpcUrl: o.chain.rpcUrl,
    geyserUrl: o.chain.geyserUrl,
    geyserXToken: o.chain.geyserXToken,
  };
  if (!o.config.server.isolateParts) {
    const indexer = startIndexer({
      db: o.db,
      settings,
      logger: o.logger,
      vectorStore: o.vectorStore,
      metrics: o.metrics,
      reset: o.resetIndex,
      onCommit: o.onCommit,
    });
    o.lifecycle.onClose('indexer', () => indexer.close());
    return { indexer, failed: failureOf(indexer) };
  }
  const { startIndexerChild } = await import('./indexer-child.js');
  const indexer = await startIndexerChild({
    databaseUrl: o.db.url,
    rpcUrl: settings.rpcUrl,
    geyserUrl: settings.geyserUrl,
    resetIndex: o.resetIndex,
    stream: settings.stream,
    logger: o.logger,
    onCommit: o.onCommit,
  });
  o.lifecycle.onClose('indexer', () => indexer.close());
  const payloads = startVectorPayloadWorker(o.db.pool, o.vectorStore, o.logger.child({ component: 'indexer' }), {
    batchSize: settings.outboxBatch,
  });
  // Closed before the indexer stops (reverse order): no update is half applied when the store closes.
  o.lifecycle.onClose('vector-payloads', () => payloads.stop());
  mergeMetrics(o.metrics, () => indexer.scrapeMetrics());
  return { indexer, failed: indexer.part.failed };
}

/** The indexer's fatal stop (SOLANA_WRONG_CHAIN, …) as a PartExit; never resolves after a clean close. */
function failureOf(indexer: RunningIndexer): Promise<PartExit> {
  return new Promise((resolve) => {
    void indexer.stopped.then(() => {
      const s = indexer.status();
      if (s.state !== 'failed') return;
      const code = (s.lastErrorCode ?? 'INTERNAL') as ChoirError['code'];
      const message = s.lastError?.startsWith('indexer stopped') ? s.lastError : `indexer stopped: ${s.lastError}`;
      resolve({ error: new ChoirError(code, message), exitCode: 1 });
    });
  });
}

/**
 * `/metrics` serves this registry; a child's metrics (its own names only, no process defaults) are appended to
 * what it renders. Overrides `metrics()` on this one instance.
 */
function mergeMetrics(registry: import('prom-client').Registry, child: () => Promise<string>): void {
  const own = registry.metrics.bind(registry);
  registry.metrics = async () => {
    const [mine, theirs] = await Promise.all([own(), child()]);
    return theirs ? `${mine.trimEnd()}\n${theirs}` : mine;
  };
}
