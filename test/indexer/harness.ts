/** Starts indexers against a test devnet and a test database, and waits for conditions without timed asserts. */
import pg from 'pg';
import { startIndexer } from '../../indexer/indexer.js';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import { readSection } from '../../src/config/section.js';
import { indexerSection } from '../../src/config/sections/indexer.js';
import type { Devnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { VectorStore } from '../../src/vector/types.js';

export function indexerSettings(devnet: Devnet, env: Record<string, string> = {}) {
  return readSection(indexerSection, {
    GEYSER_URL: devnet.geyserUrl,
    SOLANA_RPC_URL: devnet.rpcUrl,
    INDEXER_BATCH_MS: '5',
    INDEXER_PING_DEADLINE_MS: '1500',
    INDEXER_RECONNECT_BASE_MS: '20',
    INDEXER_RECONNECT_MAX_MS: '300',
    INDEXER_LEADER_POLL_MS: '100',
    ...env,
  });
}

export function launch(
  devnet: Devnet,
  db: { url: string; pool: pg.Pool },
  extra: {
    vectorStore?: Pick<VectorStore, 'setPayload'>;
    env?: Record<string, string>;
    reset?: boolean;
    outboxRetry?: { baseDelayMs?: number; maxDelayMs?: number };
    onCommit?: Parameters<typeof startIndexer>[0]['onCommit'];
  } = {},
) {
  return startIndexer({
    db,
    settings: indexerSettings(devnet, extra.env),
    logger: silentLogger,
    vectorStore: extra.vectorStore,
    reset: extra.reset,
    outboxRetry: extra.outboxRetry,
    onCommit: extra.onCommit,
  });
}

export const identity = (devnet: Devnet) => ({
  genesisHash: devnet.ledger.genesisHash,
  programId: CHOIR_PROGRAM_ID.toBase58(),
});

export { until } from '../support/until.js';

export function openPool(url: string) {
  return new pg.Pool({ connectionString: url, max: 6 });
}

export async function finalizedAtLeast(pool: pg.Pool, slot: number) {
  const { rows } = await pool.query('SELECT finalized_slot FROM indexer_cursors');
  return rows[0]?.finalized_slot !== null && rows[0] !== undefined && Number(rows[0].finalized_slot) >= slot;
}
