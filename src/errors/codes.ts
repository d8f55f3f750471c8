import { type Category, Recovery } from './taxonomy.js';

export interface CodeSpec {
  readonly category: Category;
  readonly retryable: boolean;
  /** Overrides the category's default recovery when this code needs a different one. */
  readonly recovery?: Recovery;
  readonly summary: string;
}

/**
 * Every stable error code. Adding a code is a compatible change; renaming or removing one is not (clients
 * branch on them). Keep them grouped by domain.
 */
export const ErrorCodes = {
  // ── Solana ────────────────────────────────────────────────────────────────────────────────────────────
  SOLANA_RPC_UNAVAILABLE: {
    category: 'Transaction',
    retryable: true,
    summary: 'The Solana RPC endpoint did not answer',
  },
  SOLANA_TRANSACTION_FAILED: { category: 'Transaction', retryable: false, summary: 'A transaction failed on chain' },
  SOLANA_TRANSACTION_EXPIRED: {
    category: 'Transaction',
    retryable: true,
    summary: 'The transaction blockhash expired before it landed',
  },
  SOLANA_ACCOUNT_NOT_FOUND: { category: 'Account', retryable: false, summary: 'An expected account does not exist' },
  SOLANA_ACCOUNT_MALFORMED: {
    category: 'Account',
    retryable: false,
    summary: 'Account data does not decode as the expected layout',
  },
  SOLANA_INSTRUCTION_MALFORMED: {
    category: 'Program',
    retryable: false,
    summary: 'Instruction data does not decode as a Choir instruction',
  },
  SOLANA_PROGRAM_ERROR: {
    category: 'Program',
    retryable: false,
    summary: 'The Choir program rejected the instruction',
  },
  SOLANA_WRONG_CHAIN: {
    category: 'Account',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'The endpoint serves another chain or program than the indexed one',
  },
  SOLANA_STREAM_FAILED: {
    category: 'Transaction',
    retryable: true,
    recovery: Recovery.Reconnect,
    summary: 'The Geyser stream failed or went silent',
  },
  SOLANA_REPLAY_UNAVAILABLE: {
    category: 'Account',
    retryable: false,
    summary: 'The stream cannot replay from the requested slot; backfill from RPC',
  },
  // ── Qdrant / vector store / embeddings ────────────────────────────────────────────────────────────────
  QDRANT_UNAVAILABLE: { category: 'Storage', retryable: true, summary: 'The vector store did not answer' },
  QDRANT_STORAGE_REJECTED: { category: 'Storage', retryable: false, summary: 'The vector store rejected a write' },
  QDRANT_QUERY_FAILED: { category: 'Query', retryable: false, summary: 'The vector store rejected a query' },
  QDRANT_QUERY_INVALID: {
    category: 'Query',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'A vector query has invalid filters or vector',
  },
  QDRANT_INDEX_MISMATCH: {
    category: 'Embedding',
    retryable: false,
    summary: 'The collection does not match the embedder (dimension or model)',
  },
  EMBEDDING_FAILED: {
    category: 'Embedding',
    retryable: true,
    recovery: Recovery.RetryWithBackoff,
    summary: 'The embedder failed',
  },
  EMBEDDING_INVALID: {
    category: 'Embedding',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'Content or vector cannot be embedded or stored (empty, oversized, NaN, wrong dimension)',
  },
  // ── Backend ───────────────────────────────────────────────────────────────────────────────────────────
  DATABASE_UNAVAILABLE: {
    category: 'Cache',
    retryable: true,
    recovery: Recovery.RetryWithBackoff,
    summary: 'Postgres did not answer',
  },
  DATABASE_NOT_MIGRATED: {
    category: 'Cache',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'The database lacks migrations: run `choir migrate`',
  },
  DATABASE_CONFLICT: {
    category: 'Cache',
    retryable: false,
    recovery: Recovery.RecomputeState,
    summary: 'A write conflicts with stored data',
  },
  SUBSCRIPTION_FAILED: { category: 'WebSocket', retryable: true, summary: 'A subscription stream failed' },
  CURSOR_INVALID: {
    category: 'WebSocket',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'A subscription cursor is malformed or too old',
  },
  UNAUTHENTICATED: { category: 'Session', retryable: false, summary: 'Missing or invalid credentials' },
  SIGNATURE_INVALID: {
    category: 'Session',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'A signature does not verify',
  },
  REPLAY_REJECTED: {
    category: 'Session',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'A signed request was already used',
  },
  NOT_CO_AUTHOR: {
    category: 'Session',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'The author, voter or divester is not a co-author of the thread',
  },
  DUPLICATE_CONTENT: {
    category: 'Input',
    retryable: false,
    summary: 'This content is already in the thread',
  },
  SESSION_EXPIRED: {
    category: 'Session',
    retryable: false,
    summary: 'The session token or sign-in challenge expired or was revoked: sign in again',
  },
  FORBIDDEN: { category: 'Session', retryable: false, summary: 'The credentials do not allow this operation' },
  RATE_LIMITED: {
    category: 'Session',
    retryable: true,
    recovery: Recovery.RetryWithBackoff,
    summary: 'Too many operations for this key or address: retry after the given delay',
  },
  QUERY_TOO_COMPLEX: {
    category: 'Input',
    retryable: false,
    summary: 'The operation is too deep, too broad or too costly',
  },
  QUERY_TIMEOUT: {
    category: 'Cache',
    retryable: true,
    recovery: Recovery.RetryWithBackoff,
    summary: 'The operation did not finish in time',
  },
  BAD_REQUEST: { category: 'Input', retryable: false, summary: 'The HTTP request is not a GraphQL request' },
  PAYLOAD_TOO_LARGE: { category: 'Input', retryable: false, summary: 'The request body is larger than allowed' },
  SUBSCRIPTION_LIMIT: {
    category: 'WebSocket',
    retryable: false,
    recovery: Recovery.FixInput,
    summary: 'The connection holds as many subscriptions as allowed',
  },
  BAD_USER_INPUT: { category: 'Input', retryable: false, summary: 'A request argument is invalid' },
  CONFIG_INVALID: { category: 'Input', retryable: false, summary: 'A setting is invalid' },
  ALREADY_RUNNING: {
    category: 'Input',
    retryable: false,
    summary: 'Another choir process owns this data folder: stop it, or give this one its own folders and ports',
  },
  NOT_FOUND: { category: 'Input', retryable: false, summary: 'The requested object does not exist' },
  INTERNAL: {
    category: 'Cache',
    retryable: false,
    recovery: Recovery.RecomputeState,
    summary: 'An unexpected internal error',
  },
  // ── Frontend (client SDK) ─────────────────────────────────────────────────────────────────────────────
  CLIENT_NETWORK: { category: 'Network', retryable: true, summary: 'The client lost its connection to the API' },
  CLIENT_STATE_STALE: { category: 'State', retryable: false, summary: 'The client view is older than the server' },
  CLIENT_UI: { category: 'UI', retryable: false, summary: 'The UI could not render a result' },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ErrorCodes;
