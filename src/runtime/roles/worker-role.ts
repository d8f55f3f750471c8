/**
 * `choir start --role worker`: the write path's workers (embed → store → relay → status) and the relayer. With
 * Qdrant any number may run (outbox claims are leased); with the embedded vector store exactly one, since it owns
 * the store's folder (locked).
 */
import { rpcReadiness } from '../../chain/readiness.js';
import type { Config } from '../../config/index.js';
import { openDatabase } from '../../db/database.js';
import type { Logger } from '../../observability/logger.js';
import { IN_MEMORY } from '../../vector/index.js';
import { lockDir } from '../dir-lock.js';
import type { Lifecycle } from '../lifecycle.js';
import { openStores } from '../open-stores.js';
import { startWritePath } from '../write-path.js';
import { relayerChain, roleChain } from './chain.js';
import { observe } from './observe.js';
import type { RunningRole } from './types.js';

export async function startWorkerRole(config: Config, logger: Logger, lifecycle: Lifecycle): Promise<RunningRole> {
  const chain = roleChain(config);
  if (!config.vector.qdrant && config.vector.dataDir !== IN_MEMORY) {
    const lock = lockDir(config.vector.dataDir, { variable: 'VECTOR_DATA_DIR' });
    lifecycle.onClose('lock VECTOR_DATA_DIR', async () => lock.release());
  }
  const db = await openDatabase(config.database, logger);
  lifecycle.onClose('database', () => db.close());
  const { health, metrics, measures, http } = observe(config, db, logger, 'worker');
  const part = { config, logger, lifecycle, health, metrics, measures };
  health.register(rpcReadiness(chain.rpcUrl));

  const stores = await openStores(part, 'workers');
  await startWritePath(part, { db, stores, chain: relayerChain(chain) });
  await http.listen();
  lifecycle.onClose('http', () => http.close());
  return { role: 'worker', url: http.url(), db, health, metrics, stopped: new Promise(() => {}) };
}
