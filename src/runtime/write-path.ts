/**
 * The write path's parts as a process opens them: the relayer (its RPC calls timed) and, in the process that runs
 * the workers (`choir start`, `--role worker`), the relayer's readiness and metrics and the workers themselves.
 */
import { openRelayer, type RelayerChain } from '../chain/open-relayer.js';
import type { Relayer } from '../chain/relayer.js';
import { registerRelayerMetrics, relayerReadiness } from '../chain/relayer-health.js';
import type { Database } from '../db/database.js';
import { timedRpc } from '../observability/instrument.js';
import { type RunningPipeline, startPipeline } from '../pipeline/start-pipeline.js';
import type { Stores } from './open-stores.js';
import type { PartContext } from './part-context.js';

export function openTimedRelayer({ config, logger, measures }: PartContext, chain: RelayerChain): Promise<Relayer> {
  return openRelayer(config.pipeline, chain, logger, { wrapRpc: (rpc) => timedRpc(rpc, measures) });
}

/** The relayer, watched (balance readiness, metrics), and the workers (embed → store → relay → status). */
export async function startWritePath(
  part: PartContext,
  o: { db: Database; stores: Stores; chain: RelayerChain },
): Promise<{ relayer: Relayer; pipeline: RunningPipeline }> {
  const { config, logger, lifecycle, health, metrics, measures } = part;
  const relayer = await openTimedRelayer(part, o.chain);
  health.register(relayerReadiness(relayer, config.pipeline.relayerMinBalance));
  registerRelayerMetrics(metrics, relayer);
  const pipeline = startPipeline({
    pool: o.db.pool,
    store: o.stores.vectorStore,
    embedder: o.stores.embedder,
    relayer,
    logger,
    metrics: measures,
    batch: config.pipeline.batch,
    retryMaxMs: config.pipeline.retryMaxMs,
  });
  // Closed before the indexer and the stores it writes to (the lifecycle closes in reverse order).
  lifecycle.onClose('pipeline', () => pipeline.close());
  return { relayer, pipeline };
}
