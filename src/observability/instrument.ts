/**
 * Timing at the boundaries: the stack wraps the vector store, the embedder and the RPC client where it creates
 * them, so every call is measured (`choir_dependency_call_seconds`) and every failure counted by taxonomy code
 * (`choir_errors_total`) without the implementations knowing about metrics.
 */
import type { RpcClient } from '../chain/rpc-client.js';
import type { Embedder } from '../embed/types.js';
import { isChoirError } from '../errors/index.js';
import type { VectorStore } from '../vector/types.js';
import { type ChoirMetrics, countError, type Dependency } from './choir-metrics.js';

export async function timeCall<T>(
  metrics: ChoirMetrics,
  dependency: Dependency,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  const end = metrics.dependencyCall.startTimer({ dependency, operation });
  try {
    const result = await call();
    end({ outcome: 'ok' });
    return result;
  } catch (err) {
    // A JSON-RPC error answer (a preflight the program rejected, say) is the node working as meant: the caller
    // maps it; only transport-level failures and taxonomy errors count as errors here.
    if (dependency === 'rpc' && !isChoirError(err)) end({ outcome: 'rejected' });
    else {
      end({ outcome: 'error' });
      countError(metrics, err);
    }
    throw err;
  }
}

export function timedEmbedder(inner: Embedder, metrics: ChoirMetrics): Embedder {
  return {
    get kind() {
      return inner.kind;
    },
    get modelId() {
      return inner.modelId;
    },
    get dimension() {
      return inner.dimension;
    },
    embed: (texts) => timeCall(metrics, 'embedder', 'embed', () => inner.embed(texts)),
    close: () => inner.close(),
  };
}

export function timedRpc(inner: RpcClient, metrics: ChoirMetrics): RpcClient {
  return {
    url: inner.url,
    call: (method, params) => timeCall(metrics, 'rpc', method, () => inner.call(method, params)),
  };
}

/** Every VectorStore method that talks to the store, timed under its own name. */
export function timedVectorStore(inner: VectorStore, metrics: ChoirMetrics): VectorStore {
  const t = <T>(operation: string, call: () => Promise<T>) => timeCall(metrics, 'vector_store', operation, call);
  return {
    get backend() {
      return inner.backend;
    },
    get collection() {
      return inner.collection;
    },
    get dimension() {
      return inner.dimension;
    },
    ensureCollection: () => t('ensureCollection', () => inner.ensureCollection()),
    describe: () => t('describe', () => inner.describe()),
    upsert: (points) => t('upsert', () => inner.upsert(points)),
    query: (query) => t('query', () => inner.query(query)),
    setPayload: (patch, target) => t('setPayload', () => inner.setPayload(patch, target)),
    deletePoints: (target) => t('deletePoints', () => inner.deletePoints(target)),
    scroll: (request) => t('scroll', () => inner.scroll(request)),
    count: (filter) => t('count', () => inner.count(filter)),
    health: () => t('health', () => inner.health()),
    withCollection: (name) => timedVectorStore(inner.withCollection(name), metrics),
    swapAlias: (name) => t('swapAlias', () => inner.swapAlias(name)),
    dropCollection: (name) => t('dropCollection', () => inner.dropCollection(name)),
    close: () => inner.close(),
  };
}
