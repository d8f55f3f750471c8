import { loadConfig } from '../../config/index.js';
import type { RebuildReport } from '../../consistency/rebuild-index.js';
import { createLogger } from '../../observability/logger.js';
import type { Command } from '../command.js';
import { runOperation } from '../consistency-runner.js';

export const rebuildIndexCommand: Command = {
  name: 'rebuild-index',
  summary: 'Re-embed every message into a new vector collection and swap it in (search answers throughout)',
  usage: 'choir rebuild-index [--json]',
  description: [
    'Needed after changing the embedder (EMBEDDER, EMBED_DIM, the model: the service refuses to start with',
    'QDRANT_INDEX_MISMATCH), when the collection is lost or damaged, and to re-key a Qdrant collection that still',
    'holds points of the old content-hash identity. Copies from the Postgres content copy (and carries over content',
    'only the old collection holds), catches up with writes made meanwhile, swaps the alias, drops the old collection.',
    '',
    '  --json  print the report as JSON on stdout (progress and logs go to stderr)',
  ],
  options: { json: { type: 'boolean', default: false } },
  async run(args) {
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const { result } = await runOperation<RebuildReport>('rebuild-index', {}, config, logger, (ops, onProgress) =>
      ops.rebuildIndex({ onProgress: (p) => onProgress({ ...p }) }),
    );
    process.stdout.write(
      args.values.json
        ? `${JSON.stringify(result)}\n`
        : `rebuilt ${result.previous ?? '(none)'} → ${result.collection} in ${result.totalMs} ms: ${result.messages} message(s), ${result.threads} thread(s), ${result.carriedOver} carried over, ${result.caughtUp} caught up${result.dropped ? `; ${result.previous} dropped` : ''}\n`,
    );
    return 0;
  },
};
