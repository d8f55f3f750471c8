/**
 * Readiness checks of the parts whose health is not a plain "does it answer": the Geyser stream (is this process
 * streaming, and if not, why), the indexer's lag (slots and seconds, under thresholds), and the embedder (embeds a
 * probe text). Each failure says what is wrong in words an operator can act on.
 */
import type { IndexerStatus } from '../../indexer/index.js';
import type { Embedder } from '../embed/types.js';
import type { VectorStore } from '../vector/types.js';
import type { ReadinessCheck } from './health.js';

export interface LagThresholds {
  readonly maxLagSlots: number;
  readonly maxLagSeconds: number;
}

/** The Geyser stream as this process sees it. A standby does not stream: that is healthy (another one leads). */
export function geyserReadiness(status: () => IndexerStatus): ReadinessCheck {
  return {
    name: 'geyser',
    async check() {
      const s = status();
      // Labelled like the indexer's check: the highest slot the stream has shown (not the chain's finalized slot).
      const details = { role: s.role, state: s.state, highestSlotSeenOnStream: s.chainSlot, reconnects: s.reconnects };
      if (s.state === 'failed') throw new Error(`indexer stopped: ${s.lastError ?? 'unknown error'}`);
      if (s.role !== 'leader') return details;
      if (s.state === 'streaming') return details;
      const why = s.lastError ? ` after: ${s.lastError}` : '';
      throw new Error(`geyser stream is ${s.state}${why} (${s.reconnects} reconnects so far)`);
    },
  };
}

/**
 * The indexer's own check (state, role) with the lag thresholds of the settings on top: slots and seconds, while
 * leading (a standby's lag is the leader's business). Keeps the inner check's name and report.
 */
export function withLagLimits(
  inner: ReadinessCheck,
  status: () => IndexerStatus,
  limits: LagThresholds,
): ReadinessCheck {
  return {
    name: inner.name,
    async check() {
      const details = await inner.check();
      const s = status();
      if (s.role !== 'leader') return details;
      if (s.lagSlots > limits.maxLagSlots) {
        throw new Error(
          `indexer lags ${s.lagSlots} slots behind the stream (limit READY_MAX_LAG_SLOTS=${limits.maxLagSlots})`,
        );
      }
      if (s.lagSeconds > limits.maxLagSeconds) {
        throw new Error(
          `indexer's oldest uncommitted update waits ${s.lagSeconds.toFixed(1)} s (limit READY_MAX_LAG_SECONDS=${limits.maxLagSeconds})`,
        );
      }
      return details;
    },
  };
}

/** The embedder answers with a vector of its dimension (one short probe text). */
export function embedderReadiness(embedder: Embedder): ReadinessCheck {
  return {
    name: 'embedder',
    async check() {
      const [vector] = await embedder.embed(['choir readiness probe']);
      if (vector?.length !== embedder.dimension) {
        throw new Error(`embedder returned ${vector?.length ?? 0} dimensions, ${embedder.dimension} expected`);
      }
      return { kind: embedder.kind, model: embedder.modelId, dimension: embedder.dimension };
    },
  };
}

/**
 * The vector store answers its health probe. Points still keyed by the old content-hash identity (Qdrant only;
 * `choir rebuild-index` re-keys them) are reported with the warning, without making the store unready.
 */
export function vectorStoreReadiness(store: Pick<VectorStore, 'health'>): ReadinessCheck {
  return {
    name: 'vector-store',
    async check() {
      const report = await store.health();
      if (!report.ok) throw new Error(report.detail);
      return report.legacyPoints
        ? { backend: report.backend, legacyPoints: report.legacyPoints, warning: report.detail }
        : { backend: report.backend };
    },
  };
}
