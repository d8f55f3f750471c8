/**
 * The error taxonomy: every failure choir reports belongs to one domain and one category, and each category
 * names the recovery strategy that handles it. Codes are stable strings: GraphQL clients read them from
 * `extensions.code`, metrics label by them, and operators search logs for them.
 */

export const Domain = {
  Solana: 'SOLANA',
  Qdrant: 'QDRANT',
  Backend: 'BACKEND',
  Frontend: 'FRONTEND',
} as const;
export type Domain = (typeof Domain)[keyof typeof Domain];

/** What a caller (or an operator) does about an error of a category. */
export const Recovery = {
  /** Try the same operation again after a growing, jittered delay. */
  RetryWithBackoff: 'RETRY_WITH_BACKOFF',
  /** Re-read the authoritative state (the chain, the database) and derive the local view again. */
  RecomputeState: 'RECOMPUTE_STATE',
  /** Serve the last known good copy (Postgres for chain reads, the backend's content copy for Qdrant). */
  FallbackToCache: 'FALLBACK_TO_CACHE',
  /** The vector index disagrees with its sources: `choir rebuild-index`. */
  RebuildIndex: 'REBUILD_INDEX',
  /** Drop the connection and open a new one, resuming from a cursor. */
  Reconnect: 'RECONNECT',
  /** Authenticate again / start a new session. */
  RestoreSession: 'RESTORE_SESSION',
  /** Nothing to retry: the request or the configuration is wrong and must be fixed by whoever sent it. */
  FixInput: 'FIX_INPUT',
} as const;
export type Recovery = (typeof Recovery)[keyof typeof Recovery];

interface CategorySpec {
  readonly domain: Domain;
  readonly recovery: Recovery;
}

/** The design's categories, each with the recovery strategy it maps to by default. */
export const Categories = {
  // Solana
  Transaction: { domain: Domain.Solana, recovery: Recovery.RetryWithBackoff },
  Account: { domain: Domain.Solana, recovery: Recovery.RecomputeState },
  Program: { domain: Domain.Solana, recovery: Recovery.FixInput },
  // Qdrant (the vector store and its embeddings)
  Storage: { domain: Domain.Qdrant, recovery: Recovery.RetryWithBackoff },
  Query: { domain: Domain.Qdrant, recovery: Recovery.FallbackToCache },
  Embedding: { domain: Domain.Qdrant, recovery: Recovery.RebuildIndex },
  // Backend
  Cache: { domain: Domain.Backend, recovery: Recovery.FallbackToCache },
  WebSocket: { domain: Domain.Backend, recovery: Recovery.Reconnect },
  Session: { domain: Domain.Backend, recovery: Recovery.RestoreSession },
  /** Requests, CLI arguments, configuration and decoded data that fail validation. */
  Input: { domain: Domain.Backend, recovery: Recovery.FixInput },
  // Frontend (used by the client SDK)
  Network: { domain: Domain.Frontend, recovery: Recovery.Reconnect },
  State: { domain: Domain.Frontend, recovery: Recovery.RecomputeState },
  UI: { domain: Domain.Frontend, recovery: Recovery.FixInput },
} as const satisfies Record<string, CategorySpec>;
export type Category = keyof typeof Categories;
