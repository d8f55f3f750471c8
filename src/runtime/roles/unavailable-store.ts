/**
 * The vector store of an API process that cannot reach one: the embedded store belongs to the process that runs
 * the workers (one process owns its folder). Every call fails with QDRANT_UNAVAILABLE, which the search resolver
 * answers from Postgres (`degraded: true`) — set QDRANT_URL to give API processes real search.
 */
import { ChoirError } from '../../errors/index.js';
import type { VectorStore } from '../../vector/types.js';

export function unavailableVectorStore(dimension: number, collection: string): VectorStore {
  const fail = () =>
    Promise.reject(
      new ChoirError(
        'QDRANT_UNAVAILABLE',
        'this API process has no vector store: the embedded store belongs to the worker (set QDRANT_URL to share one)',
      ),
    );
  const store: VectorStore = {
    backend: 'embedded',
    collection,
    dimension,
    ensureCollection: fail,
    describe: fail,
    upsert: fail,
    query: fail,
    setPayload: fail,
    deletePoints: fail,
    scroll: fail,
    count: fail,
    health: fail,
    withCollection: () => store,
    swapAlias: fail,
    dropCollection: fail,
    close: async () => {},
  };
  return store;
}
