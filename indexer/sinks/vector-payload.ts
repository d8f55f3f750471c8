/**
 * Drains the `vector.payload` outbox into the vector store: on-chain metadata (status, slot, co-authors) of the
 * points whose messages or threads changed. Items are batched: messages with the same patch go in one
 * setPayload call. A store outage fails the batch; the outbox retries it with backoff, so updates are delayed,
 * never lost. Each item holds the latest desired payload, so applying it again is harmless.
 */
import type pg from 'pg';
import type { Logger } from '../../src/observability/logger.js';
import { type ClaimedItem, type OutboxWorker, startOutboxWorker } from '../../src/pipeline/outbox/index.js';
import type { VectorStore } from '../../src/vector/types.js';
import { VECTOR_PAYLOAD_KIND, type VectorPayloadWork } from '../write/apply.js';

export async function applyPayloadWork(
  store: Pick<VectorStore, 'setPayload'>,
  items: readonly ClaimedItem<VectorPayloadWork>[],
) {
  const byPatch = new Map<string, { patch: { status: string; slot: number }; addresses: string[] }>();
  for (const { payload } of items) {
    if ('threadId' in payload) {
      await store.setPayload(payload.patch, { filter: { threadId: payload.threadId } });
      continue;
    }
    const id = JSON.stringify(payload.patch);
    const group = byPatch.get(id) ?? { patch: payload.patch, addresses: [] };
    group.addresses.push(...payload.messageAddresses);
    byPatch.set(id, group);
  }
  for (const { patch, addresses } of byPatch.values()) {
    await store.setPayload(patch, { messageAddresses: addresses });
  }
}

export function startVectorPayloadWorker(
  pool: pg.Pool,
  store: Pick<VectorStore, 'setPayload'>,
  logger: Logger,
  options: { batchSize?: number; idleMs?: number; retry?: { baseDelayMs?: number; maxDelayMs?: number } } = {},
): OutboxWorker {
  return startOutboxWorker<VectorPayloadWork>({
    pool,
    kind: VECTOR_PAYLOAD_KIND,
    logger,
    batchSize: options.batchSize,
    idleMs: options.idleMs,
    // An outage can last: keep retrying (capped backoff) rather than dead-lettering quickly.
    retry: { maxAttempts: 1_000, baseDelayMs: 500, maxDelayMs: 30_000, ...options.retry },
    handle: (items) => applyPayloadWork(store, items),
  });
}
