/**
 * The vector store's vocabulary. Qdrant owns a message's content, its embedding and search; the store keeps one
 * point per message (and one per thread, `kind: 'thread'`) in a single collection, filtered by thread.
 */

/** What a point stands for. Messages are searched; a thread point carries the thread's metadata. */
export type PointKind = 'message' | 'thread';
export const POINT_KINDS: readonly PointKind[] = ['message', 'thread'];

/** The payload stored with every point. Field names are the Qdrant payload keys (snake_case). */
export interface PointPayload {
  /**
   * The message's record address (the Message PDA `["message", thread, content_hash]`, base58): the message id, and
   * what its point id derives from. For a thread point, the thread's address (equal to `thread_id`).
   */
  message_address: string;
  /**
   * sha256 of the content, 64 lowercase hex chars. Unique only within a thread: the same content posted in two
   * threads is two messages. For a thread point, the hash of its text.
   */
  content_hash: string;
  /** The thread's on-chain address (base58). */
  thread_id: string;
  /** The author's public key (base58). For a thread point, its creator. */
  author: string;
  /** The thread's co-authors (base58), so a search can be limited to threads a key belongs to. */
  co_authors: string[];
  /** On-chain status of the message, e.g. `PENDING`, `CONFIRMED`, `FINALIZED`, `FAILED`. */
  status: string;
  /** The slot the status was observed at; 0 before the chain has seen it. */
  slot: number;
  /** Creation time, milliseconds since the Unix epoch. */
  created_at: number;
  kind: PointKind;
  /** The text itself: Qdrant owns content. */
  content: string;
}

/** One point to write. Its id is derived from `payload.message_address` (or the thread id for a thread point). */
export interface VectorPoint {
  vector: ArrayLike<number>;
  payload: PointPayload;
}

/** Keyword filters take one value or a list (any of). All given fields must match. */
export interface VectorFilter {
  threadId?: string | readonly string[];
  author?: string | readonly string[];
  status?: string | readonly string[];
  /** Points whose thread has this co-author. */
  coAuthor?: string | readonly string[];
  kind?: PointKind | readonly PointKind[];
  /** Message record addresses (base58); a thread point's is its thread address. */
  messageAddress?: string | readonly string[];
  /** Content hashes: with `threadId`, "the points of this content in this thread". */
  contentHash?: string | readonly string[];
  /** Creation time range in milliseconds since the epoch. */
  createdAt?: TimeRange;
}

export interface TimeRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export const FILTER_FIELDS = [
  'threadId',
  'author',
  'status',
  'coAuthor',
  'kind',
  'messageAddress',
  'contentHash',
  'createdAt',
] as const satisfies readonly (keyof VectorFilter)[];

export interface VectorQuery {
  vector: ArrayLike<number>;
  filter?: VectorFilter;
  /** At most this many results, 1..1000. */
  limit: number;
  /** Only results with a cosine similarity of at least this (-1..1). */
  scoreThreshold?: number;
  /** Return the stored content with each hit (default true). */
  withContent?: boolean;
  /** Search exhaustively instead of through the HNSW index (for recall measurements and tiny filters). */
  exact?: boolean;
}

export interface ScoredPoint {
  /** The point id (a UUID derived from the message address, or from the thread address for a thread point). */
  id: string;
  /** Cosine similarity to the query, higher is closer. */
  score: number;
  /** `content` is absent when the query asked for `withContent: false`. */
  payload: HitPayload;
}

export type HitPayload = Omit<PointPayload, 'content'> & { content?: string };

/** The payload fields that may change after a write: on-chain metadata. Content and ids never change. */
export interface PayloadPatch {
  status?: string;
  slot?: number;
  co_authors?: string[];
}
export const PATCHABLE_FIELDS = ['status', 'slot', 'co_authors'] as const satisfies readonly (keyof PayloadPatch)[];

/**
 * Which points an update or delete applies to: message points by their record addresses (base58), or a filter.
 * Not by content hash: one hash may name a message in each of many threads (use `filter: { threadId, contentHash }`
 * for "this content in this thread").
 */
export type PointSelector = { messageAddresses: readonly string[] } | { filter: VectorFilter };

export interface ScrollRequest {
  filter?: VectorFilter;
  /** Page size, 1..10,000 (default 256). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  withVector?: boolean;
}

export interface StoredPoint {
  id: string;
  payload: PointPayload;
  vector?: number[];
}

export interface ScrollPage {
  points: StoredPoint[];
  /** Pass back to read the next page; absent on the last page. */
  nextCursor?: string;
}

export interface CollectionInfo {
  /** The name the app uses (an alias once the store manages one). */
  name: string;
  /** The physical collection the name resolves to. */
  physicalName: string;
  dimension: number;
  /** The embedder model the collection was built with, when recorded. */
  model: string | undefined;
  points: number;
  /**
   * Message points still keyed by the old content-hash identity (no `message_address`): the same content in two
   * threads shares one of them until `choir rebuild-index` re-keys them. Always 0 on the embedded store, which
   * migrates in place when it opens.
   */
  legacyPoints: number;
}

export interface HealthReport {
  ok: boolean;
  backend: 'qdrant' | 'embedded';
  detail: string;
  latencyMs: number;
  /** As `CollectionInfo.legacyPoints`, when the backend could count them (a warning, not a failure). */
  legacyPoints?: number;
}

export interface VectorStore {
  readonly backend: 'qdrant' | 'embedded';
  /** The collection (alias) name reads and writes go to. */
  readonly collection: string;
  /** Vector dimension this store was opened for (the embedder's). */
  readonly dimension: number;

  /**
   * Creates the collection and its payload indexes if missing (idempotent; call at start and when a thread is
   * registered). Throws `QDRANT_INDEX_MISMATCH` if an existing collection has another dimension or model.
   */
  ensureCollection(): Promise<CollectionInfo>;
  /** The collection's description, or undefined when it does not exist. */
  describe(): Promise<CollectionInfo | undefined>;
  /** Writes a batch; all-or-nothing validation first, then idempotent upserts (same message address = same point). */
  upsert(points: readonly VectorPoint[]): Promise<void>;
  query(query: VectorQuery): Promise<ScoredPoint[]>;
  /** Updates on-chain metadata of the selected points. */
  setPayload(patch: PayloadPatch, target: PointSelector): Promise<void>;
  deletePoints(target: PointSelector): Promise<void>;
  /** Pages through points in a stable order (for sync and rebuild). */
  scroll(request?: ScrollRequest): Promise<ScrollPage>;
  count(filter?: VectorFilter): Promise<number>;
  health(): Promise<HealthReport>;

  /**
   * A store on another physical collection, for a zero-downtime rebuild: fill `withCollection('messages_2')`,
   * then `swapAlias('messages_2')` points the app's name at it. The returned store shares this one's connection.
   */
  withCollection(physicalName: string): VectorStore;
  /** Points this store's name at `physicalName` atomically; returns the collection it pointed at before. */
  swapAlias(physicalName: string): Promise<{ previous: string | undefined }>;
  /** Drops a physical collection that no alias points at (the old one after a swap). */
  dropCollection(physicalName: string): Promise<void>;
  close(): Promise<void>;
}
