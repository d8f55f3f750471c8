import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { ChoirError, unreachable } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';
import { indexMismatch, physicalNameFor } from '../collection-names.js';
import { normaliseFilter } from '../filter.js';
import { PAYLOAD_INDEXES } from '../payload-indexes.js';
import type {
  CollectionInfo,
  HealthReport,
  HitPayload,
  PayloadPatch,
  PointPayload,
  PointSelector,
  ScoredPoint,
  ScrollPage,
  ScrollRequest,
  VectorFilter,
  VectorPoint,
  VectorQuery,
  VectorStore,
} from '../types.js';
import { checkCursor, checkPatch, checkPoints, checkQuery, checkScrollLimit, checkSelector } from '../validate.js';
import { countLegacyPoints, LEGACY_POINTS_WARNING } from './legacy-points.js';
import { callQdrant, type OperationKind, type QdrantRetry } from './qdrant-errors.js';
import { toQdrantFilter } from './qdrant-filter.js';

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  timeoutMs: number;
  /** The name the app reads and writes (managed as an alias). */
  collection: string;
  dimension: number;
  /** The embedder's model id, recorded in the collection's metadata and checked at start. */
  model: string;
  maxContentBytes: number;
  upsertBatchSize: number;
  retry: QdrantRetry;
}

/**
 * Two instances starting together may both try to create the collection (or alias): the loser's "already exists"
 * is success. The describe() that follows checks that what exists is what this instance needs.
 */
async function ignoringConflict(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (err instanceof ChoirError && /already exists/i.test(err.message)) return;
    throw err;
  }
}

/** The metadata key under which choir records the embedder model of a collection. */
const MODEL_KEY = 'choir_embedder_model';

function clientFor(options: QdrantStoreOptions): QdrantClient {
  // The client drops a path in `url`; pass it as `prefix` so Qdrant behind a path-routing proxy works.
  const url = new URL(options.url);
  const prefix = url.pathname.replace(/\/+$/, '');
  return new QdrantClient({
    url: url.origin,
    ...(prefix ? { prefix } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    timeout: options.timeoutMs,
    // The constructor's version check is a fire-and-forget request that only warns; health() reports the version.
    checkCompatibility: false,
  });
}

/**
 * The vector store on Qdrant: one collection for all threads (see docs/vector-store.md), reached through an alias
 * so `choir rebuild-index` can fill a new collection and swap it in without downtime.
 */
export class QdrantVectorStore implements VectorStore {
  readonly backend = 'qdrant' as const;
  readonly collection: string;
  readonly dimension: number;

  constructor(
    private readonly options: QdrantStoreOptions,
    private readonly logger: Logger,
    private readonly client: QdrantClient = clientFor(options),
    /** True when `collection` is a physical collection (a rebuild target) rather than the managed alias. */
    private readonly physical = false,
  ) {
    this.collection = options.collection;
    this.dimension = options.dimension;
  }

  private async call<T>(operation: string, kind: OperationKind, fn: (client: QdrantClient) => Promise<T>): Promise<T> {
    try {
      return await callQdrant(operation, kind, this.options.retry, this.logger, () => fn(this.client));
    } catch (err) {
      // After the retries: "fetch failed" becomes which Qdrant did not answer and what to do.
      const endpoint = {
        code: 'QDRANT_UNAVAILABLE',
        service: 'Qdrant (QDRANT_URL)',
        url: this.options.url,
        fix: `${operation} failed; start it, or unset QDRANT_URL to use the embedded vector store`,
      } as const;
      throw unreachable(err, endpoint) ?? err;
    }
  }

  private async aliasTarget(): Promise<string | undefined> {
    if (this.physical) return undefined;
    const { aliases } = await this.call('list aliases', 'read', (c) => c.getAliases());
    return aliases.find((a) => a.alias_name === this.collection)?.collection_name;
  }

  /** The physical collection behind this store's name, or undefined when there is none yet. */
  private async resolvePhysical(): Promise<string | undefined> {
    const target = await this.aliasTarget();
    if (target) return target;
    const { exists } = await this.call('check collection', 'read', (c) => c.collectionExists(this.collection));
    return exists ? this.collection : undefined;
  }

  async describe(): Promise<CollectionInfo | undefined> {
    const physicalName = await this.resolvePhysical();
    if (!physicalName) return undefined;
    const info = await this.call('describe collection', 'read', (c) => c.getCollection(physicalName));
    const vectors = info.config.params.vectors as Schemas['VectorParams'] | undefined;
    const metadata = (info.config as { metadata?: Record<string, unknown> | null }).metadata;
    const model = metadata?.[MODEL_KEY];
    const legacyPoints = await this.call('count legacy points', 'read', (c) => countLegacyPoints(c, physicalName));
    return {
      name: this.collection,
      physicalName,
      dimension: typeof vectors?.size === 'number' ? vectors.size : Number.NaN,
      model: typeof model === 'string' ? model : undefined,
      points: info.points_count ?? 0,
      legacyPoints,
    };
  }

  async ensureCollection(): Promise<CollectionInfo> {
    let info = await this.describe();
    if (!info) {
      const physicalName = this.physical ? this.collection : physicalNameFor(this.collection, 1);
      const exists = await this.call('check collection', 'read', (c) => c.collectionExists(physicalName));
      if (!exists.exists) {
        this.logger.info({ collection: physicalName, dimension: this.dimension }, 'creating Qdrant collection');
        await ignoringConflict(
          // Through the generated API: the 1.18 client's `createCollection` wrapper drops `metadata` (1.19 passes it,
          // but declares Node ≥ 22). The body is the same either way.
          this.call('create collection', 'write', (c) =>
            c.api().createCollection({
              collection_name: physicalName,
              vectors: { size: this.dimension, distance: 'Cosine' },
              metadata: { [MODEL_KEY]: this.options.model },
            }),
          ),
        );
      }
      if (!this.physical) {
        await ignoringConflict(
          this.call('create alias', 'write', (c) =>
            c.updateCollectionAliases({
              actions: [{ create_alias: { alias_name: this.collection, collection_name: physicalName } }],
            }),
          ),
        );
      }
      info = await this.describe();
      if (!info) throw new ChoirError('QDRANT_UNAVAILABLE', `collection ${this.collection} vanished after creation`);
    }
    if (info.dimension !== this.dimension || (info.model !== undefined && info.model !== this.options.model)) {
      throw indexMismatch(info, this.dimension, this.options.model);
    }
    await this.ensurePayloadIndexes(info.physicalName);
    // Not a refusal: the old points still answer searches, only two threads' copies of one text share a point.
    if (info.legacyPoints > 0) {
      this.logger.warn({ collection: info.physicalName, legacyPoints: info.legacyPoints }, LEGACY_POINTS_WARNING);
    }
    return info;
  }

  private async ensurePayloadIndexes(physicalName: string): Promise<void> {
    const info = await this.call('describe collection', 'read', (c) => c.getCollection(physicalName));
    for (const index of PAYLOAD_INDEXES) {
      if (info.payload_schema[index.field]) continue;
      const fieldSchema: Schemas['PayloadFieldSchema'] =
        index.type === 'keyword' ? { type: 'keyword', ...(index.tenant ? { is_tenant: true } : {}) } : index.type;
      await this.call('create payload index', 'write', (c) =>
        c.createPayloadIndex(physicalName, { field_name: index.field, field_schema: fieldSchema, wait: true }),
      );
    }
  }

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    const checked = checkPoints(points, this.dimension, this.options.maxContentBytes);
    for (let i = 0; i < checked.length; i += this.options.upsertBatchSize) {
      const batch = checked.slice(i, i + this.options.upsertBatchSize);
      await this.call('upsert', 'write', (c) =>
        c.upsert(this.collection, {
          wait: true,
          points: batch.map((p) => ({ id: p.id, vector: p.vector, payload: { ...p.payload } })),
        }),
      );
    }
  }

  async query(query: VectorQuery): Promise<ScoredPoint[]> {
    const { vector, conditions } = checkQuery(query, this.dimension);
    const filter = toQdrantFilter(conditions);
    const { points } = await this.call('query', 'read', (c) =>
      c.query(this.collection, {
        query: vector,
        limit: query.limit,
        ...(filter ? { filter } : {}),
        ...(query.scoreThreshold === undefined ? {} : { score_threshold: query.scoreThreshold }),
        with_payload: query.withContent === false ? { exclude: ['content'] } : true,
        ...(query.exact ? { params: { exact: true } } : {}),
      }),
    );
    return points.map((p) => ({
      id: String(p.id),
      score: p.score,
      payload: (p.payload ?? {}) as unknown as HitPayload,
    }));
  }

  private selector(target: PointSelector): { points: string[] } | { filter: Schemas['Filter'] } {
    const checked = checkSelector(target);
    if ('ids' in checked) return { points: checked.ids };
    return { filter: toQdrantFilter(checked.conditions)! };
  }

  async setPayload(patch: PayloadPatch, target: PointSelector): Promise<void> {
    const payload = checkPatch(patch);
    const selector = this.selector(target);
    if ('points' in selector && selector.points.length === 0) return;
    await this.call('set payload', 'write', (c) =>
      c.setPayload(this.collection, { payload: { ...payload }, ...selector, wait: true }),
    );
  }

  async deletePoints(target: PointSelector): Promise<void> {
    const selector = this.selector(target);
    if ('points' in selector && selector.points.length === 0) return;
    await this.call('delete points', 'write', (c) => c.delete(this.collection, { wait: true, ...selector }));
  }

  async scroll(request: ScrollRequest = {}): Promise<ScrollPage> {
    const limit = checkScrollLimit(request.limit);
    const filter = toQdrantFilter(normaliseFilter(request.filter));
    const offset = checkCursor(request.cursor);
    const page = await this.call('scroll', 'read', (c) =>
      c.scroll(this.collection, {
        limit,
        ...(filter ? { filter } : {}),
        ...(offset ? { offset } : {}),
        with_payload: true,
        with_vector: request.withVector === true,
      }),
    );
    const next = page.next_page_offset;
    return {
      points: page.points.map((p) => ({
        id: String(p.id),
        payload: (p.payload ?? {}) as unknown as PointPayload,
        ...(request.withVector && Array.isArray(p.vector) ? { vector: p.vector as number[] } : {}),
      })),
      ...(next === null || next === undefined ? {} : { nextCursor: String(next) }),
    };
  }

  async count(filter?: VectorFilter): Promise<number> {
    const qdrantFilter = toQdrantFilter(normaliseFilter(filter));
    const { count } = await this.call('count', 'read', (c) =>
      c.count(this.collection, { exact: true, ...(qdrantFilter ? { filter: qdrantFilter } : {}) }),
    );
    return count;
  }

  async health(): Promise<HealthReport> {
    const started = performance.now();
    try {
      // One attempt: health must report the present state quickly, not wait out a retry schedule.
      const version = await this.client.versionInfo();
      const { aliases } = await this.client.getAliases();
      const target = aliases.find((a) => a.alias_name === this.collection)?.collection_name ?? this.collection;
      const { exists } = await this.client.collectionExists(target);
      let detail = `Qdrant ${version.version}; collection ${this.collection} ${exists ? 'exists' : 'is missing'}`;
      if (!exists) return { ok: false, backend: 'qdrant', detail, latencyMs: performance.now() - started };
      // Reported, not failed on: readiness should say the collection needs a rebuild without taking the API down.
      const legacyPoints = await countLegacyPoints(this.client, target);
      if (legacyPoints > 0) detail += `; ${legacyPoints} points: ${LEGACY_POINTS_WARNING}`;
      return { ok: true, backend: 'qdrant', detail, latencyMs: performance.now() - started, legacyPoints };
    } catch (err) {
      const detail = `Qdrant unreachable: ${(err as Error).message}`;
      return { ok: false, backend: 'qdrant', detail, latencyMs: performance.now() - started };
    }
  }

  withCollection(physicalName: string): VectorStore {
    return new QdrantVectorStore({ ...this.options, collection: physicalName }, this.logger, this.client, true);
  }

  async swapAlias(physicalName: string): Promise<{ previous: string | undefined }> {
    if (this.physical) throw new ChoirError('QDRANT_STORAGE_REJECTED', 'swapAlias needs the store of the alias');
    const previous = await this.aliasTarget();
    const { exists } = await this.call('check collection', 'read', (c) => c.collectionExists(physicalName));
    if (!exists) throw new ChoirError('QDRANT_STORAGE_REJECTED', `collection ${physicalName} does not exist`);
    const actions: Schemas['AliasOperations'][] = [];
    if (previous) actions.push({ delete_alias: { alias_name: this.collection } });
    actions.push({ create_alias: { alias_name: this.collection, collection_name: physicalName } });
    await this.call('swap alias', 'write', (c) => c.updateCollectionAliases({ actions }));
    this.logger.info({ alias: this.collection, from: previous, to: physicalName }, 'swapped collection alias');
    return { previous };
  }

  async dropCollection(physicalName: string): Promise<void> {
    const { aliases } = await this.call('list aliases', 'read', (c) => c.getAliases());
    const pointing = aliases.find((a) => a.collection_name === physicalName);
    if (pointing) {
      throw new ChoirError(
        'QDRANT_STORAGE_REJECTED',
        `collection ${physicalName} is still served by alias ${pointing.alias_name}; swap the alias first`,
      );
    }
    await this.call('drop collection', 'write', (c) => c.deleteCollection(physicalName));
  }

  async close(): Promise<void> {
    // The REST client holds only pooled keep-alive sockets, which close with the process.
  }
}
