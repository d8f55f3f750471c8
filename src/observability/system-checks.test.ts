import { describe, expect, it } from 'vitest';
import type { IndexerStatus } from '../../indexer/index.js';
import type { Embedder } from '../embed/types.js';
import { embedderReadiness, geyserReadiness, vectorStoreReadiness, withLagLimits } from './system-checks.js';

const base: IndexerStatus = {
  stream: 'choir',
  role: 'leader',
  state: 'streaming',
  lastProcessedSlot: '100',
  confirmedSlot: '99',
  finalizedSlot: '68',
  cursorSlot: '99',
  chainSlot: '100',
  lagSlots: 0,
  lagSeconds: 0,
  gapsHealed: 0,
  decodeFailures: { account_malformed: 0, instruction_unknown: 0, update_malformed: 0, orphan: 0 },
  reconnects: 0,
  updatesApplied: 10,
  lastError: null,
};
const limits = { maxLagSlots: 150, maxLagSeconds: 30 };

describe('geyserReadiness', () => {
  it('is ready while the leader streams and while standing by; otherwise says what is wrong', async () => {
    await expect(geyserReadiness(() => base).check()).resolves.toMatchObject({ state: 'streaming' });
    await expect(geyserReadiness(() => ({ ...base, role: 'standby', state: 'idle' })).check()).resolves.toMatchObject({
      role: 'standby',
    });
    const reconnecting = { ...base, state: 'reconnecting' as const, reconnects: 3, lastError: 'connection refused' };
    await expect(geyserReadiness(() => reconnecting).check()).rejects.toThrow(
      'geyser stream is reconnecting after: connection refused (3 reconnects so far)',
    );
    const failed = { ...base, state: 'failed' as const, lastError: 'SOLANA_WRONG_CHAIN' };
    await expect(geyserReadiness(() => failed).check()).rejects.toThrow('indexer stopped: SOLANA_WRONG_CHAIN');
  });
});

describe('withLagLimits', () => {
  const inner = { name: 'indexer', check: async () => ({ from: 'inner' }) };
  it('keeps the inner check and its report, and fails past either threshold, naming the setting', async () => {
    await expect(withLagLimits(inner, () => base, limits).check()).resolves.toEqual({ from: 'inner' });
    await expect(withLagLimits(inner, () => ({ ...base, lagSlots: 151 }), limits).check()).rejects.toThrow(
      'indexer lags 151 slots behind the stream (limit READY_MAX_LAG_SLOTS=150)',
    );
    await expect(withLagLimits(inner, () => ({ ...base, lagSeconds: 31.25 }), limits).check()).rejects.toThrow(
      'waits 31.3 s (limit READY_MAX_LAG_SECONDS=30)',
    );
    // A standby's lag is not its own problem.
    const standby = { ...base, role: 'standby' as const, lagSlots: 10_000 };
    await expect(withLagLimits(inner, () => standby, limits).check()).resolves.toEqual({ from: 'inner' });
    const failing = { name: 'indexer', check: () => Promise.reject(new Error('indexer is reconnecting')) };
    await expect(withLagLimits(failing, () => base, limits).check()).rejects.toThrow('indexer is reconnecting');
  });
});

describe('embedderReadiness', () => {
  const embedder = (dimension: number, out: number): Embedder => ({
    kind: 'http',
    modelId: 'm',
    dimension,
    embed: async (texts) => texts.map(() => new Float32Array(out)),
    close: async () => {},
  });
  it('checks the probe vector has the configured dimension', async () => {
    await expect(embedderReadiness(embedder(4, 4)).check()).resolves.toEqual({
      kind: 'http',
      model: 'm',
      dimension: 4,
    });
    await expect(embedderReadiness(embedder(4, 3)).check()).rejects.toThrow(
      'embedder returned 3 dimensions, 4 expected',
    );
  });
});

describe('vectorStoreReadiness', () => {
  const store = (report: { ok: boolean; detail: string; legacyPoints?: number }) => ({
    health: async () => ({ backend: 'qdrant' as const, latencyMs: 1, ...report }),
  });

  it('is ready with the backend, and reports old-identity points with their warning without failing', async () => {
    await expect(vectorStoreReadiness(store({ ok: true, detail: 'ok' })).check()).resolves.toEqual({
      backend: 'qdrant',
    });
    await expect(
      vectorStoreReadiness(store({ ok: true, detail: 'run choir rebuild-index', legacyPoints: 3 })).check(),
    ).resolves.toEqual({ backend: 'qdrant', legacyPoints: 3, warning: 'run choir rebuild-index' });
  });

  it('fails with what the store said when it is not healthy', async () => {
    await expect(vectorStoreReadiness(store({ ok: false, detail: 'connection refused' })).check()).rejects.toThrow(
      'connection refused',
    );
  });
});
