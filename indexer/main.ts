/**
 * Standalone indexer process: `node bin/run-ts.js indexer/main.ts [--reset]`, configured by the environment
 * (DATABASE_URL plus the indexer section: GEYSER_URL, SOLANA_RPC_URL, INDEXER_*). The `choir indexer` command wires
 * the same `startIndexer`; this entry exists so tests can kill -9 a real process. Prints one JSON status line per
 * second to stdout when INDEXER_STATUS_LINES=1.
 */
import { readSection } from '../src/config/section.js';
import { indexerSection } from '../src/config/sections/indexer.js';
import { createPool } from '../src/db/pool.js';
import { createLogger } from '../src/observability/logger.js';
import { startIndexer } from './indexer.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info') ?? 'info', format: 'json' });
const settings = readSection(indexerSection, process.env);
const pool = createPool({ url, size: 4, applicationName: 'choir-indexer' });
const indexer = startIndexer({ db: { url, pool }, settings, logger, reset: process.argv.includes('--reset') });

const ticker =
  process.env.INDEXER_STATUS_LINES === '1'
    ? setInterval(() => process.stdout.write(`${JSON.stringify(indexer.status())}\n`), 1_000)
    : null;

async function shutdown(code: number) {
  if (ticker) clearInterval(ticker);
  await indexer.close();
  await pool.end();
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
void indexer.stopped.then(() => {
  const s = indexer.status();
  if (s.state === 'failed') {
    logger.error({ error: s.lastError }, 'indexer failed');
    void shutdown(1);
  }
});
