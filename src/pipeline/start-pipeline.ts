/**
 * The write path's workers, as `choir start` runs them: message submissions, relayed thread creations and votes,
 * and the re-send sweep. With Qdrant they may run in any number of processes (claims are leased); with the
 * embedded vector store only the process that owns the store runs them.
 */
import type { PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import type { Relayer } from '../chain/relayer.js';
import type { Embedder } from '../embed/types.js';
import type { ChoirMetrics } from '../observability/choir-metrics.js';
import type { Logger } from '../observability/logger.js';
import type { VectorStore } from '../vector/types.js';
import { CHAIN_RELAY_KIND, type ChainRelayWork, MESSAGE_SUBMIT_KIND, type MessageSubmitWork } from './kinds.js';
import { handleMessageBatch, newPipelineStats, type PipelineStats } from './message-worker.js';
import { type OutboxWorker, startOutboxWorker } from './outbox/index.js';
import { handleRelayBatch } from './relay-worker.js';
import { resendRetracted } from './resend.js';

export interface PipelineOptions {
  readonly pool: pg.Pool;
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly relayer: Relayer;
  readonly logger: Logger;
  /** The design's measures (transaction latency, rejections by code); absent: not measured. */
  readonly metrics?: ChoirMetrics;
  readonly programId?: PublicKey;
  readonly batch?: number;
  readonly retryMaxMs?: number;
  readonly idleMs?: number;
  /** How often rows the chain retracted are looked for (ms); 0: never. */
  readonly resendEveryMs?: number;
  /** A RECORDED row the indexer has not placed in a slot after this long is checked against the chain again. */
  readonly resendGraceS?: number;
  /** Concurrent loops draining submissions (default 3): one batch's chain step overlaps the next one's storing. */
  readonly messageWorkers?: number;
  /** How long a woken submission loop waits for more submissions before claiming (default 20 ms). */
  readonly lingerMs?: number;
  /** Outbox lease: a worker killed mid-batch loses its items to others after this. */
  readonly leaseMs?: number;
}

export interface RunningPipeline {
  readonly stats: PipelineStats;
  /** Wakes the worker of `kind` (after an enqueue). */
  wake(kind: string): void;
  close(): Promise<void>;
}

export function startPipeline(o: PipelineOptions): RunningPipeline {
  const logger = o.logger.child({ component: 'pipeline' });
  const stats = newPipelineStats();
  // An outage may last: keep retrying with capped backoff rather than dead-lettering accepted submissions.
  const retry = { maxAttempts: 100_000, baseDelayMs: 100, maxDelayMs: o.retryMaxMs ?? 5_000 };
  // Several loops over the same kind: while one batch waits on the chain, the next is embedded and stored. Claims
  // skip locked items, so no two loops take the same submission.
  const messageLoops: OutboxWorker[] = Array.from({ length: Math.max(1, o.messageWorkers ?? 3) }, () =>
    startOutboxWorker<MessageSubmitWork>({
      pool: o.pool,
      kind: MESSAGE_SUBMIT_KIND,
      logger,
      batchSize: o.batch ?? 256,
      idleMs: o.idleMs ?? 100,
      // Submissions arriving within this of each other share one embedding call, one upsert and packed
      // transactions (a few ms of latency for a several-fold cut in work per submission at moderate rates).
      lingerMs: o.lingerMs ?? 20,
      leaseMs: o.leaseMs ?? 60_000,
      retry,
      handle: (items) =>
        handleMessageBatch(
          {
            pool: o.pool,
            store: o.store,
            embedder: o.embedder,
            relayer: o.relayer,
            logger,
            programId: o.programId,
            stats,
            ...(o.metrics ? { metrics: o.metrics } : {}),
          },
          items,
        ),
    }),
  );
  const messages = {
    // One waiting loop is enough for what was just enqueued (it claims everything due): waking all of them made the
    // others claim nothing, a wasted round trip each per commit.
    wake: () => {
      for (const loop of messageLoops) if (loop.wake()) return;
    },
    stop: () => Promise.all(messageLoops.map((loop) => loop.stop())),
  };
  const relays: OutboxWorker = startOutboxWorker<ChainRelayWork>({
    pool: o.pool,
    kind: CHAIN_RELAY_KIND,
    logger,
    batchSize: 32,
    idleMs: o.idleMs ?? 100,
    leaseMs: o.leaseMs ?? 60_000,
    retry,
    handle: (items) =>
      handleRelayBatch(
        {
          pool: o.pool,
          relayer: o.relayer,
          logger,
          programId: o.programId,
          vectors: { store: o.store, embedder: o.embedder },
          ...(o.metrics ? { metrics: o.metrics } : {}),
        },
        items,
      ),
  });
  const resendEveryMs = o.resendEveryMs ?? 5_000;
  const timer =
    resendEveryMs > 0
      ? setInterval(() => {
          resendRetracted(o.pool, 30, o.resendGraceS ?? 20)
            .then((n) => {
              if (n > 0) {
                logger.info({ messages: n }, 're-sending messages the chain retracted');
                messages.wake();
              }
            })
            .catch((err) => logger.warn({ err }, 're-send sweep failed'));
        }, resendEveryMs)
      : undefined;
  timer?.unref();
  return {
    stats,
    wake(kind) {
      if (kind === MESSAGE_SUBMIT_KIND) messages.wake();
      if (kind === CHAIN_RELAY_KIND) relays.wake();
    },
    async close() {
      if (timer) clearInterval(timer);
      await Promise.all([messages.stop(), relays.stop()]);
    },
  };
}
