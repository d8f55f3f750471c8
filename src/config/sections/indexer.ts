import { defineSection } from '../section.js';
import { v } from '../variable.js';

/** The Geyser indexer: where the stream comes from, how it is batched, and when a silent stream counts as dead. */
export const indexerSection = defineSection(
  'indexer',
  {
    GEYSER_URL: v.url({
      protocols: ['http', 'https'],
      example: 'https://geyser.example.com:443',
      description:
        "Yellowstone Geyser gRPC endpoint the indexer streams from; unset: the local devnet's Geyser server (DEVNET_GEYSER_PORT).",
    }),
    GEYSER_X_TOKEN: v.string({
      example: 'a1b2c3d4',
      secret: true,
      description: 'The `x-token` a hosted Geyser provider requires; unset for the local devnet.',
    }),
    SOLANA_RPC_URL: v.url({
      protocols: ['http', 'https'],
      example: 'https://api.devnet.solana.com',
      description:
        "JSON-RPC endpoint used for backfill (getProgramAccounts, signatures) and the chain's genesis hash; unset: the local devnet's RPC.",
    }),
    INDEXER_STREAM: v.string({
      default: 'choir',
      pattern: /^[a-z0-9_-]{1,64}$/,
      patternHint: 'must be 1-64 of a-z, 0-9, _ and -',
      example: 'choir',
      description: 'Name of the cursor (indexer_cursors.stream) this indexer resumes from and advances.',
    }),
    INDEXER_BATCH_MAX: v.int({
      default: '2000',
      min: 1,
      max: 100_000,
      example: '2000',
      description: 'Most stream updates applied in one Postgres transaction.',
    }),
    INDEXER_BATCH_TARGET_MS: v.int({
      default: '150',
      min: 0,
      max: 60_000,
      example: '150',
      description:
        'Time budget of one batch transaction: batches hold fewer than INDEXER_BATCH_MAX updates when that many would take longer to write (learned from recent batches); 0: always fill up to INDEXER_BATCH_MAX.',
    }),
    INDEXER_BATCH_MS: v.int({
      default: '50',
      min: 0,
      max: 60_000,
      example: '50',
      description: 'Longest an update waits for its batch to fill before the batch is committed anyway.',
    }),
    INDEXER_PING_DEADLINE_MS: v.int({
      default: '10000',
      min: 100,
      max: 600_000,
      example: '10000',
      description:
        'The indexer pings the Geyser stream; with no message (pong or update) for this long the stream counts as dead and is reopened.',
    }),
    INDEXER_RECONNECT_BASE_MS: v.int({
      default: '200',
      min: 1,
      max: 60_000,
      example: '200',
      description: 'First reconnect delay after a stream failure; it doubles per failure (with jitter) up to the max.',
    }),
    INDEXER_RECONNECT_MAX_MS: v.int({
      default: '10000',
      min: 1,
      max: 600_000,
      example: '10000',
      description: 'Longest delay between two reconnect attempts.',
    }),
    INDEXER_LEADER_POLL_MS: v.int({
      default: '1000',
      min: 50,
      max: 60_000,
      example: '1000',
      description:
        "How often a standby indexer tries to take the leader lock (takeover within this of the leader's death).",
    }),
    INDEXER_OUTBOX_BATCH: v.int({
      default: '256',
      min: 1,
      max: 10_000,
      example: '256',
      description: 'Most vector-store payload updates the outbox worker claims at once.',
    }),
    INDEXER_BACKFILL_SIGNATURES: v.int({
      default: '10000',
      min: 0,
      max: 10_000_000,
      example: '10000',
      description:
        "Most of the program's transaction signatures a backfill fetches (newest first) to recover instruction provenance and Divested events; 0: accounts only.",
    }),
  },
  (e) => ({
    geyserUrl: e.GEYSER_URL,
    geyserXToken: e.GEYSER_X_TOKEN,
    rpcUrl: e.SOLANA_RPC_URL,
    stream: e.INDEXER_STREAM,
    batchMax: e.INDEXER_BATCH_MAX,
    batchTargetMs: e.INDEXER_BATCH_TARGET_MS,
    batchMs: e.INDEXER_BATCH_MS,
    pingDeadlineMs: e.INDEXER_PING_DEADLINE_MS,
    reconnectBaseMs: e.INDEXER_RECONNECT_BASE_MS,
    reconnectMaxMs: e.INDEXER_RECONNECT_MAX_MS,
    leaderPollMs: e.INDEXER_LEADER_POLL_MS,
    outboxBatch: e.INDEXER_OUTBOX_BATCH,
    backfillSignatures: e.INDEXER_BACKFILL_SIGNATURES,
  }),
);
export type IndexerSettings = ReturnType<typeof indexerSection.build>;
