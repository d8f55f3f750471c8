import { loadConfig } from '../../config/index.js';
import { ChoirError } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import type { Command } from '../command.js';

const USAGE = 'choir api-key create <name> | list | revoke <id>';

/** API keys for third parties: the secret is printed once at creation; Postgres keeps only its sha256. */
export const apiKeyCommand: Command = {
  name: 'api-key',
  summary: 'Create, list or revoke API keys for third parties (stored hashed)',
  usage: USAGE,
  async run(args) {
    const [action, arg] = args.positionals;
    if (action !== 'create' && action !== 'list' && action !== 'revoke') {
      throw new ChoirError('BAD_USER_INPUT', `unknown action ${JSON.stringify(action ?? '')}\nusage: ${USAGE}`);
    }
    if ((action === 'create' || action === 'revoke') && !arg) {
      throw new ChoirError(
        'BAD_USER_INPUT',
        `api-key ${action} needs ${action === 'create' ? 'a name' : 'an id'}\nusage: ${USAGE}`,
      );
    }
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const { openDatabase } = await import('../../db/database.js');
    const keys = await import('../../api/graphql/auth/api-keys.js');
    const db = await openDatabase(config.database, logger);
    try {
      if (action === 'create') {
        const { id, key } = await keys.createApiKey(db.pool, arg as string);
        process.stdout.write(`${JSON.stringify({ id, key })}\n`);
        process.stderr.write('Store the key now: it is not shown again (only its hash is kept).\n');
      } else if (action === 'list') {
        for (const k of await keys.listApiKeys(db.pool)) process.stdout.write(`${JSON.stringify(k)}\n`);
      } else {
        await keys.revokeApiKey(db.pool, arg as string);
        process.stdout.write(`${JSON.stringify({ id: arg, revoked: true })}\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
