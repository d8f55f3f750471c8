import { pino } from 'pino';
import { loadConfig } from '../../config/index.js';
import { ChoirError } from '../../errors/index.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import type { Command, ParsedArgs } from '../command.js';
import { type ProgressSink, progressOn } from '../progress.js';

const USAGE = 'choir backfill [--signatures N] [--wait] [--json]';

/**
 * Re-reads the program's accounts and recent history from RPC into Postgres (what the indexer does by itself on
 * first start and when the stream cannot replay from its cursor). Idempotent: rows and events already indexed stay
 * as they are. It writes as the stream's leader, so it runs while the API and workers serve; a running indexer
 * leads the stream, so it waits for the lead with --wait (during a restart, or with the indexer stopped).
 */
export const backfillCommand: Command = {
  name: 'backfill',
  summary: "Re-read the program's accounts and history from RPC into Postgres (idempotent), as the stream's leader",
  usage: USAGE,
  description: [
    '  --signatures N  most program signatures to read (newest first) for provenance and Divested events',
    '                  (default INDEXER_BACKFILL_SIGNATURES; 0: accounts only)',
    '  --wait          wait until no indexer leads the stream instead of stopping (Ctrl-C gives up)',
    '  --json          print the result as one JSON object',
    'Progress goes to stderr: a bar on a terminal, a line per 10 % otherwise.',
  ],
  options: {
    signatures: { type: 'string' },
    wait: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  async run(args) {
    if (args.positionals.length) {
      throw new ChoirError('BAD_USER_INPUT', `unexpected argument "${args.positionals[0]}"\nusage: ${USAGE}`);
    }
    const config = loadConfig();
    const maxSignatures = signatures(args) ?? config.indexer.backfillSignatures;
    const logger = createLogger(config.logging);
    const [{ roleChain }, { openDatabase, assertMigrated }, lock, rpc, run, history, cursor, programId] =
      await Promise.all([
        import('../../runtime/roles/chain.js'),
        import('../../db/database.js'),
        import('../../../indexer/leader/leader-lock.js'),
        import('../../../indexer/source/rpc.js'),
        import('../../../indexer/backfill/backfill.js'),
        import('../../../indexer/backfill/backfill-history.js'),
        import('../../../indexer/write/cursor.js'),
        import('../../../programs/choir/client/index.js'),
      ]);
    const chain = roleChain(config);
    const program = programId.CHOIR_PROGRAM_ID.toBase58();
    const stream = config.indexer.stream;
    const db = await openDatabase(config.database, logger, { migrate: false });
    const lead = lock.leaderLock(db.url, stream, config.indexer.leaderPollMs);
    const progress = progressOn(process.stderr);
    try {
      await assertMigrated(db.pool);
      const waitMs = args.values.wait === true ? undefined : config.indexer.leaderPollMs * 2 + 500;
      try {
        await lead.acquire(waitMs === undefined ? new AbortController().signal : AbortSignal.timeout(waitMs));
      } catch {
        throw new ChoirError(
          'ALREADY_RUNNING',
          `an indexer leads stream "${stream}" (choir start or choir indexer): it backfills by itself when it has no cursor or the stream cannot replay from it. Stop it and run choir backfill again, run this with --wait during a restart, or re-index from scratch with choir start --reset-index`,
        );
      }
      const identity = { genesisHash: await rpc.getGenesisHash(chain.rpcUrl), programId: program };
      const previous = await cursor.readCursor(db.pool, stream);
      if (previous) cursor.assertSameChain(previous, identity);
      progress.update(0, 1, 'snapshot');
      const snapshot = await rpc.getProgramAccounts(chain.rpcUrl, program);
      progress.update(1, 1, 'snapshot');
      const result = await run.backfill(
        db.pool,
        stream,
        identity,
        snapshot,
        (reason, detail) => logger.warn({ reason }, `backfill skipped data: ${detail}`),
        {
          history: history.rpcHistory(chain.rpcUrl, program),
          maxSignatures,
          previousCursor: previous?.slot ?? null,
          logger: progressLogger(logger, progress),
          progressEvery: 100,
        },
      );
      progress.finish();
      const out = {
        stream,
        ...result,
        slot: result.slot.toString(),
        previousCursor: previous?.slot.toString() ?? null,
      };
      if (args.values.json === true) process.stdout.write(`${JSON.stringify(out)}\n`);
      else {
        process.stdout.write(
          `backfilled stream ${stream} to slot ${out.slot}: ${result.accounts} accounts (${result.applied} updates applied, ${result.skipped} skipped), ${result.transactions} of ${result.signatures} signatures fetched (${result.alreadyIndexed} already indexed)\n`,
        );
      }
      return 0;
    } finally {
      progress.finish();
      await lead.release();
      await db.close();
    }
  },
};

function signatures(args: ParsedArgs): number | undefined {
  const raw = args.values.signatures;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) > 1_000_000) {
    throw new ChoirError(
      'BAD_USER_INPUT',
      `--signatures must be an integer from 0 to 1000000 (got ${JSON.stringify(raw)})`,
    );
  }
  return Number(raw);
}

/**
 * The backfill reports progress through its log lines ({ fetched, of } while fetching transactions, { done, of }
 * while applying): they become the progress bar; every other line goes to the real logger.
 */
function progressLogger(logger: Logger, progress: ProgressSink): Logger {
  return pino({
    level: 'info',
    hooks: {
      logMethod(args, method, level) {
        const [fields, message] = args as unknown as [Record<string, unknown>, string | undefined];
        if (typeof fields === 'object' && fields !== null && typeof fields.of === 'number') {
          const done = typeof fields.fetched === 'number' ? fields.fetched : fields.done;
          if (typeof done === 'number') {
            progress.update(done, fields.of, typeof fields.fetched === 'number' ? 'transactions' : 'applying');
            return;
          }
        }
        if (level >= 40) logger.warn(fields, message);
        else logger.debug(fields, message);
        void method;
      },
    },
  });
}
