import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../observability/logger.js';
import type { Command } from '../command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending migrations to DATABASE_URL (or the embedded server) and exit',
  usage: 'choir migrate [--status]',
  options: { status: { type: 'boolean', default: false } },
  async run(args) {
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const statusOnly = args.values.status === true;
    const { openDatabase } = await import('../../db/database.js');
    const { migrationState } = await import('../../db/migrations.js');
    const db = await openDatabase(config.database, logger, { migrate: !statusOnly });
    try {
      const state = await migrationState(db.pool);
      process.stdout.write(
        `${JSON.stringify({ applied: state.applied.length, pending: state.pending, failed: state.failed })}\n`,
      );
      return state.pending.length || state.failed.length ? 1 : 0;
    } finally {
      await db.close();
    }
  },
};
