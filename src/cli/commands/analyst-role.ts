import { loadConfig } from '../../config/index.js';
import { ChoirError } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import type { Command } from '../command.js';
import { readSecret } from '../read-secret.js';

const USAGE = 'choir analyst-role [--password | --disable] [--json]';

/**
 * The read-only `choir_analyst` role: shows whether it exists and may log in; `--password` enables login with a
 * password read from standard input or a prompt (never an argument: those show in `ps`); `--disable` turns it off.
 */
export const analystRoleCommand: Command = {
  name: 'analyst-role',
  summary: 'Show the read-only choir_analyst role; --password enables its login (password from stdin or a prompt)',
  usage: USAGE,
  description: [
    'The migration creates choir_analyst without login. It may SELECT every table and view except credentials',
    '(sessions, api_keys, auth_challenges), and its sessions are read-only with a 5 min statement timeout.',
    '  --password  read a password (12+ printable ASCII characters) from standard input, or prompt twice on a',
    '              terminal, and enable login with it; only its SCRAM verifier reaches the server',
    '  --disable   disable login and forget the password',
    'Example: choir analyst-role --password < secret.txt',
  ],
  options: {
    password: { type: 'boolean', default: false },
    disable: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  async run(args) {
    const enable = args.values.password === true;
    const disable = args.values.disable === true;
    if (enable && disable)
      throw new ChoirError('BAD_USER_INPUT', `--password and --disable exclude each other\nusage: ${USAGE}`);
    if (args.positionals.length) {
      throw new ChoirError(
        'BAD_USER_INPUT',
        `unexpected argument "${args.positionals[0]}" (the password is read from standard input)\nusage: ${USAGE}`,
      );
    }
    const config = loadConfig();
    // Read before connecting: a prompt should not hold a database connection open while someone types.
    const password = enable ? await readSecret('password for choir_analyst') : undefined;
    const logger = createLogger({ ...config.logging, level: 'warn' });
    const { openDatabase } = await import('../../db/database.js');
    const role = await import('../../db/analyst-role.js');
    const db = await openDatabase(config.database, logger, { migrate: false });
    try {
      if (password !== undefined) await role.enableAnalystLogin(db.pool, password);
      if (disable) await role.disableAnalystLogin(db.pool);
      const state = await role.analystRoleState(db.pool);
      const report = { ...state, url: role.analystUrl(db.url) };
      if (args.values.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
      else {
        process.stdout.write(
          `${state.role}: ${state.exists ? (state.login ? 'login enabled' : 'login disabled') : 'missing (run choir migrate)'}` +
            `${state.exists ? `, ${state.canRead ? 'reads this database' : 'no grants in this database (run choir migrate)'}` : ''}\n` +
            `connect: psql '${report.url}'\n`,
        );
      }
      return state.exists ? 0 : 1;
    } finally {
      await db.close();
    }
  },
};
