/**
 * What the indexer reports about itself: for the API's `indexerStatus`, `/readyz` and `/metrics`. One mutable
 * record updated by the run loop; `snapshot()` is what callers get.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ReadinessCheck } from '../../src/observability/health.js';
import type { SkipReason } from '../decode/types.js';

export type StreamState = 'idle' | 'connecting' | 'backfilling' | 'streaming' | 'reconnecting' | 'failed' | 'stopped';
export type Role = 'leader' | 'standby' | 'stopped';

export interface IndexerStatus {
  readonly stream: string;
  readonly role: Role;
  readonly state: StreamState;
  /** Highest slot whose processed status has been applied. */
  readonly lastProcessedSlot: string | null;
  readonly confirmedSlot: string | null;
  readonly finalizedSlot: string | null;
  /** The resume point (indexer_cursors.slot). */
  readonly cursorSlot: string | null;
  /** Highest slot the stream has shown. */
  readonly chainSlot: string | null;
  readonly lagSlots: number;
  readonly lagSeconds: number;
  readonly gapsHealed: number;
  readonly decodeFailures: Readonly<Record<SkipReason | 'orphan', number>>;
  readonly reconnects: number;
  readonly updatesApplied: number;
  readonly lastError: string | null;
  /** The taxonomy code of the error that stopped the indexer (state `failed`), for a supervisor to pass up. */
  readonly lastErrorCode?: string | null;
}

const str = (v: bigint | null) => (v === null ? null : v.toString());

export class StatusTracker {
  role: Role = 'standby';
  state: StreamState = 'idle';
  lastProcessed: bigint | null = null;
  confirmed: bigint | null = null;
  finalized: bigint | null = null;
  cursor: bigint | null = null;
  chainSlot: bigint | null = null;
  gapsHealed = 0;
  reconnects = 0;
  updatesApplied = 0;
  lastError: string | null = null;
  lastErrorCode: string | null = null;
  /** Arrival time of the oldest update not yet committed (null: caught up). */
  oldestPendingAt: number | null = null;
  readonly failures: Record<SkipReason | 'orphan', number> = {
    account_malformed: 0,
    instruction_unknown: 0,
    update_malformed: 0,
    orphan: 0,
  };
  private readonly metrics: {
    failures: Counter<'reason'>;
    applied: Counter;
    batchSeconds: Histogram;
    slot: Gauge<'level'>;
  } | null;

  constructor(
    readonly stream: string,
    registry?: Registry,
  ) {
    this.metrics = registry
      ? {
          failures: new Counter({
            name: 'choir_indexer_decode_failures_total',
            help: 'Stream data the indexer skipped: malformed accounts, unknown instructions, malformed updates, orphans',
            labelNames: ['reason'],
            registers: [registry],
          }),
          applied: new Counter({
            name: 'choir_indexer_updates_applied_total',
            help: 'Stream updates committed to Postgres',
            registers: [registry],
          }),
          batchSeconds: new Histogram({
            name: 'choir_indexer_batch_commit_seconds',
            help: 'Time to apply and commit one batch',
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            registers: [registry],
          }),
          slot: new Gauge({
            name: 'choir_indexer_slot',
            help: 'Slots the indexer has applied, by level',
            labelNames: ['level'],
            registers: [registry],
          }),
        }
      : null;
  }

  skipped(reason: SkipReason | 'orphan', count = 1): void {
    this.failures[reason] += count;
    this.metrics?.failures.inc({ reason }, count);
  }

  committed(o: {
    applied: number;
    seconds: number;
    cursor: bigint | null;
    confirmed: bigint | null;
    finalized: bigint | null;
  }) {
    this.updatesApplied += o.applied;
    if (o.cursor !== null) this.cursor = o.cursor;
    this.confirmed = o.confirmed ?? this.confirmed;
    this.finalized = o.finalized ?? this.finalized;
    this.metrics?.applied.inc(o.applied);
    this.metrics?.batchSeconds.observe(o.seconds);
    if (this.lastProcessed !== null) this.metrics?.slot.set({ level: 'processed' }, Number(this.lastProcessed));
    if (this.confirmed !== null) this.metrics?.slot.set({ level: 'confirmed' }, Number(this.confirmed));
    if (this.finalized !== null) this.metrics?.slot.set({ level: 'finalized' }, Number(this.finalized));
  }

  snapshot(): IndexerStatus {
    const applied = this.lastProcessed ?? this.cursor;
    return {
      stream: this.stream,
      role: this.role,
      state: this.state,
      lastProcessedSlot: str(this.lastProcessed),
      confirmedSlot: str(this.confirmed),
      finalizedSlot: str(this.finalized),
      cursorSlot: str(this.cursor),
      chainSlot: str(this.chainSlot),
      lagSlots: this.chainSlot !== null && applied !== null ? Math.max(0, Number(this.chainSlot - applied)) : 0,
      lagSeconds: this.oldestPendingAt === null ? 0 : (Date.now() - this.oldestPendingAt) / 1000,
      gapsHealed: this.gapsHealed,
      decodeFailures: { ...this.failures },
      reconnects: this.reconnects,
      updatesApplied: this.updatesApplied,
      lastError: this.lastError,
      lastErrorCode: this.lastErrorCode,
    };
  }

  /** Ready while leading and streaming, or standing by (a standby is healthy; it just does not write). */
  readiness(maxLagSlots = 150): ReadinessCheck {
    return indexerReadiness(() => this.snapshot(), maxLagSlots);
  }
}

/**
 * The indexer's readiness from its status: the tracker's own, or a supervisor's copy of a child indexer's status.
 * Ready while leading and streaming, or standing by (a standby is healthy; it just does not write).
 */
export function indexerReadiness(status: () => IndexerStatus, maxLagSlots = 150): ReadinessCheck {
  return {
    name: 'indexer',
    check: async () => {
      const s = status();
      if (s.state === 'failed') throw new Error(`indexer failed: ${s.lastError ?? 'unknown error'}`);
      if (s.role === 'leader' && s.state !== 'streaming') throw new Error(`indexer is ${s.state}`);
      if (s.role === 'leader' && s.lagSlots > maxLagSlots) throw new Error(`indexer lags ${s.lagSlots} slots`);
      // Labelled for /readyz: which slot each number is, beside the chain's own (the `chain` check).
      return {
        stream: s.stream,
        role: s.role,
        state: s.state,
        slots: {
          highestSeenOnStream: s.chainSlot,
          appliedProcessed: s.lastProcessedSlot,
          appliedConfirmed: s.confirmedSlot,
          appliedFinalized: s.finalizedSlot,
          resumeCursor: s.cursorSlot,
        },
        lagSlots: s.lagSlots,
        lagSeconds: s.lagSeconds,
        updatesApplied: s.updatesApplied,
        reconnects: s.reconnects,
        gapsHealed: s.gapsHealed,
        decodeFailures: s.decodeFailures,
        lastError: s.lastError,
      };
    },
  };
}
