import type { IndexerStatus } from '../../../indexer/status/status.js';
import type { ApiSettings } from '../../config/sections/api.js';
import type { AdoptReport, OfferedContent } from '../../consistency/adopt-content.js';
import type { Embedder } from '../../embed/types.js';
import type { ChoirMetrics } from '../../observability/choir-metrics.js';
import type { HealthRegistry } from '../../observability/health.js';
import type { Logger } from '../../observability/logger.js';
import type { Submissions } from '../../pipeline/submissions.js';
import type { VectorStore } from '../../vector/types.js';
import type { Auth, Credential } from './auth/auth.js';
import type { ApiCaches } from './cache/api-caches.js';
import type { Loaders } from './loaders/loaders.js';
import type { Sql } from './read/records.js';
import type { EventHub } from './subscriptions/event-hub.js';
import type { SyncStatusService } from './sync-status.js';

/**
 * What the API needs from the rest of the process, built once. Optional parts are absent in deployments (and
 * tests) without them; resolvers that need one answer NOT_FOUND-free errors saying what is missing.
 */
export interface ApiServices {
  readonly health: HealthRegistry;
  readonly logger: Logger;
  readonly settings: ApiSettings;
  /** The primary: mutations, sessions, subscriptions (replay and live), and anything reading its own writes. */
  readonly db?: Sql;
  /**
   * A read replica (DATABASE_READ_URL) for read-only queries: the readers, loaders and search fallback of a query
   * operation. Absent: `db` serves those too. It may lag the primary (docs/scaling.md).
   */
  readonly readDb?: Sql;
  /** The design's measures (search time, UI update, errors, websocket connections); absent: not measured. */
  readonly metrics?: ChoirMetrics;
  readonly auth?: Auth;
  readonly events?: EventHub;
  /**
   * In-process caches of thread state and search hits, dropped by the hub's events before they are delivered
   * (cache/api-caches.ts). Thread state is cached only when reads go to the primary (no `readDb`).
   */
  readonly caches?: ApiCaches;
  readonly vectorStore?: VectorStore;
  readonly embedder?: Embedder;
  readonly indexerStatus?: () => IndexerStatus;
  readonly submissions?: Submissions;
  /** Stores offered texts of records that have none off chain, then their points (`provideContent`). */
  readonly adoptContent?: (offered: readonly OfferedContent[]) => Promise<AdoptReport>;
  /** Compares one thread across chain, vector store and Postgres (`syncStatus`). */
  readonly syncStatus?: SyncStatusService;
  /** Whether the chain is a local devnet (reported by `health`). */
  readonly nodeEnv?: string;
}

/** What every resolver can reach: the services plus this request's loaders, caller and deadline. */
export interface ApiContext extends ApiServices {
  readonly loaders: Loaders;
  readonly viewer: Credential | null;
  readonly requestId: string;
  /** Aborted when the per-query timeout passes; loaders stop issuing SQL. */
  readonly signal?: AbortSignal;
  /** graphql-ws: the connection's state (subscription count). */
  readonly connection?: { subscriptions: number };
}
