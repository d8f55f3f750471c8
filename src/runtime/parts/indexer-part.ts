/**
 * Entry of the indexer child process of `choir start`: the Geyser stream, decoding and the Postgres writes in their
 * own event loop. It reports its status and commits to the supervisor (for /readyz, /metrics and GraphQL's
 * indexerStatus) and answers metric scrapes. Vector payload updates stay with the process owning the vector store:
 * this indexer only queues them in the outbox.
 */
import { startIndexer } from '../../../indexer/index.js';
import { resolveChainEndpoints } from '../../chain/endpoints.js';
import { loadConfig } from '../../config/index.js';
import { openDatabase } from '../../db/database.js';
import type { ErrorCode } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import { createMetricsRegistry } from '../../observability/metrics.js';
import { runPart } from './run-part.js';

export interface IndexerPartOptions {
  /** The database the supervisor opened (and migrated). */
  readonly databaseUrl: string;
  readonly rpcUrl: string;
  readonly geyserUrl: string;
  readonly resetIndex: boolean;
  /** How often the status goes to the supervisor. */
  readonly statusIntervalMs?: number;
}

/** What the part reports under the topic `status`. */
export interface IndexerStatusReport {
  readonly status: ReturnType<ReturnType<typeof startIndexer>['status']>;
  readonly timings: ReturnType<ReturnType<typeof startIndexer>['timings']>;
}

/** What the part reports under the topic `commit`, after each committed batch. */
export interface IndexerCommitReport {
  readonly applied: number;
  readonly seconds: number;
  readonly arrivedAt: number;
  readonly cursor: string | null;
}

await runPart<IndexerPartOptions>('indexer', async (options, tools) => {
  const config = loadConfig();
  const logger = createLogger(config.logging).child({ part: 'indexer' });
  const endpoints = resolveChainEndpoints(config.indexer);
  const geyserXToken = endpoints.mode === 'remote' ? endpoints.geyserXToken : config.devnet.xToken;
  // The supervisor applied the migrations; a second attempt here would only race it.
  const db = await openDatabase({ ...config.database, url: options.databaseUrl, autoMigrate: false }, logger);
  // Its own metrics only (the supervisor's registry has the process-wide ones): merged into the supervisor's /metrics.
  const metrics = createMetricsRegistry({ defaultMetrics: false });
  const indexer = startIndexer({
    db,
    settings: { ...config.indexer, rpcUrl: options.rpcUrl, geyserUrl: options.geyserUrl, geyserXToken },
    logger,
    metrics,
    reset: options.resetIndex,
    onCommit: (info) =>
      tools.report('commit', {
        applied: info.applied,
        seconds: info.seconds,
        arrivedAt: info.arrivedAt,
        cursor: info.cursor === null ? null : info.cursor.toString(),
      } satisfies IndexerCommitReport),
  });
  const sendStatus = () =>
    tools.report('status', { status: indexer.status(), timings: indexer.timings() } satisfies IndexerStatusReport);
  sendStatus();
  const timer = setInterval(sendStatus, options.statusIntervalMs ?? 250);
  void indexer.stopped.then(() => {
    sendStatus();
    const s = indexer.status();
    if (s.state !== 'failed') return;
    tools.fail({ code: (s.lastErrorCode ?? 'INTERNAL') as ErrorCode, message: `indexer stopped: ${s.lastError}` });
  });
  return {
    info: {},
    metrics: () => metrics.metrics(),
    async close() {
      clearInterval(timer);
      await indexer.close();
      await db.close();
    },
  };
});
