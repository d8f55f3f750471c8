/**
 * `choir start --role api`: the stateless GraphQL API (queries, mutations into the outbox, subscriptions from its
 * own LISTEN hub). Any number run behind a load balancer against one Postgres; the workers and the indexer run
 * elsewhere. Search needs a shared vector store (QDRANT_URL); without one it answers from Postgres, degraded.
 */

import { CHOIR_PROGRAM_ID } from '../../../programs/choir/client/index.js';
import { rpcReadiness } from '../../chain/readiness.js';
import type { Relayer } from '../../chain/relayer.js';
import type { Config } from '../../config/index.js';
import { consistencyOperations } from '../../consistency/operations.js';
import { openDatabase } from '../../db/database.js';
import type { Logger } from '../../observability/logger.js';
import { countedSubmissions } from '../../observability/submission-metrics.js';
import { createSubmissions } from '../../pipeline/submission-service.js';
import type { Lifecycle } from '../lifecycle.js';
import { openReplica, openStores } from '../open-stores.js';
import { serveApi } from '../serve-api.js';
import { openTimedRelayer } from '../write-path.js';
import { relayerChain, roleChain } from './chain.js';
import { observe } from './observe.js';
import type { RunningRole } from './types.js';

export async function startApiRole(config: Config, logger: Logger, lifecycle: Lifecycle): Promise<RunningRole> {
  const chain = roleChain(config);
  const db = await openDatabase(config.database, logger);
  lifecycle.onClose('database', () => db.close());
  const { health, metrics, measures, http } = observe(config, db, logger, 'api');
  const part = { config, logger, lifecycle, health, metrics, measures };
  health.register(rpcReadiness(chain.rpcUrl));
  const replica = openReplica(part);
  const stores = await openStores(part, 'search');

  // Only for user-paid transactions (prepare/send); relayed actions are the workers' job. Without a chain now, the
  // API still serves reads, subscriptions and relayed mutations (they go through the outbox).
  let relayer: Relayer | undefined;
  if (config.pipeline.relayerKeypair || chain.devnetDataDir) {
    try {
      relayer = await openTimedRelayer(part, relayerChain(chain));
    } catch (err) {
      logger.warn({ err }, 'no relayer: prepareTransaction and sendTransaction are unavailable on this API process');
    }
  }
  // No wake-up across processes: the workers poll the outbox (PIPELINE idle delay).
  const submissions = countedSubmissions(
    createSubmissions({ pool: db.pool, relayer, maxContentBytes: config.vector.maxContentBytes }),
    metrics,
  );

  await serveApi(part, {
    http,
    db,
    replica,
    stores,
    submissions,
    // syncStatus reads the chain through the relayer's RPC client and the shared vector store's points; without
    // either, this process answers it with INTERNAL ("no syncStatus configured").
    ...(relayer && config.vector.qdrant
      ? {
          syncRpc: relayer.rpc,
          adoptContent: consistencyOperations({
            pool: db.pool,
            store: stores.vectorStore,
            embedder: stores.embedder,
            rpc: relayer.rpc,
            programId: CHOIR_PROGRAM_ID.toBase58(),
            stream: config.indexer.stream,
            logger: logger.child({ component: 'consistency' }),
          }).adoptContent,
        }
      : {}),
  });
  return { role: 'api', url: http.url(), db, health, metrics, stopped: new Promise(() => {}) };
}
