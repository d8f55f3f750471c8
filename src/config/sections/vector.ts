import { defineSection } from '../section.js';
import { v } from '../variable.js';

export const vectorSection = defineSection(
  'vector',
  {
    QDRANT_URL: v.url({
      protocols: ['http', 'https'],
      example: 'http://127.0.0.1:6333',
      description:
        'Qdrant REST endpoint. Unset: the embedded vector store (PGlite + pgvector in `VECTOR_DATA_DIR`) is used.',
    }),
    QDRANT_API_KEY: v.string({
      secret: true,
      example: 'qdrant-api-key',
      description: 'API key sent to Qdrant in the `api-key` header.',
    }),
    QDRANT_TIMEOUT_MS: v.int({
      default: '10000',
      min: 100,
      max: 600_000,
      example: '10000',
      description: 'Timeout of one Qdrant request; a timed-out request is retried like a network error.',
    }),
    QDRANT_RETRY_ATTEMPTS: v.int({
      default: '5',
      min: 1,
      max: 20,
      example: '5',
      description:
        'Attempts per Qdrant call on transient errors (network, 5xx, 429, timeout), with backoff and jitter.',
    }),
    QDRANT_COLLECTION: v.string({
      default: 'messages',
      pattern: /^[a-z][a-z0-9_]{0,47}$/,
      patternHint: 'must be 1-48 lowercase letters, digits or _ and start with a letter',
      example: 'messages',
      description:
        'Name (an alias) of the one collection holding every thread’s messages; rebuilds swap it to a new collection.',
    }),
    VECTOR_UPSERT_BATCH: v.int({
      default: '256',
      min: 1,
      max: 10_000,
      example: '256',
      description: 'Points per upsert request (Qdrant) or INSERT statement (embedded).',
    }),
    VECTOR_DATA_DIR: v.string({
      default: '.choir/vectors',
      example: '/var/lib/choir/vectors',
      description:
        'Data directory of the embedded vector store (used when `QDRANT_URL` is unset). One process owns it.',
    }),
    VECTOR_HNSW_EF_SEARCH: v.int({
      default: '200',
      min: 10,
      max: 1_000,
      example: '400',
      description:
        'Embedded store with its memory index off (`memoryIndex: false`): HNSW candidate list size per query; higher is more accurate and slower.',
    }),
    VECTOR_MEMORY_INDEX: v.bool({
      default: 'true',
      example: 'false',
      description:
        'Embedded store: answer queries from an in-memory int8 exhaustive index re-ranked exactly (recall 1.0, ~420 bytes and ~60 µs of load per point); false: a pgvector HNSW graph (VECTOR_HNSW_*).',
    }),
    VECTOR_HNSW_M: v.int({
      default: '16',
      min: 4,
      max: 100,
      example: '32',
      description:
        'Embedded store with its memory index off: HNSW links per node (pgvector `m`); higher raises recall, build time and size.',
    }),
    VECTOR_HNSW_EF_CONSTRUCTION: v.int({
      default: '64',
      min: 8,
      max: 1_000,
      example: '128',
      description:
        'Embedded store with its memory index off: HNSW candidate list while building (`ef_construction`); higher builds a better graph, slower.',
    }),
    MAX_CONTENT_BYTES: v.int({
      default: '65536',
      min: 1,
      max: 16_777_216,
      example: '65536',
      description: 'Largest message content in UTF-8 bytes; larger or empty content is rejected before embedding.',
    }),
  },
  (e) => ({
    qdrant:
      e.QDRANT_URL === undefined
        ? undefined
        : {
            url: e.QDRANT_URL,
            apiKey: e.QDRANT_API_KEY,
            timeoutMs: e.QDRANT_TIMEOUT_MS,
            retryAttempts: e.QDRANT_RETRY_ATTEMPTS,
          },
    collection: e.QDRANT_COLLECTION,
    upsertBatchSize: e.VECTOR_UPSERT_BATCH,
    dataDir: e.VECTOR_DATA_DIR,
    memoryIndex: e.VECTOR_MEMORY_INDEX,
    hnsw: { m: e.VECTOR_HNSW_M, efConstruction: e.VECTOR_HNSW_EF_CONSTRUCTION, efSearch: e.VECTOR_HNSW_EF_SEARCH },
    maxContentBytes: e.MAX_CONTENT_BYTES,
  }),
);
export type VectorSettings = ReturnType<typeof vectorSection.build>;
