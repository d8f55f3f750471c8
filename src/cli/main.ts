/**
 * The `choir` command. Each subcommand lives in commands/ and only commands that work are listed. Exit codes:
 * 0 success, 1 failure, 2 bad usage or configuration (the message says what to fix).
 */
import 'reflect-metadata';
import { type Command, commandHelp, parseCommandArgs, wantsHelp } from './command.js';
import { analystRoleCommand } from './commands/analyst-role.js';
import { apiKeyCommand } from './commands/api-key.js';
import { backfillCommand } from './commands/backfill.js';
import { devnetCommand } from './commands/devnet.js';
import { envCommand } from './commands/env.js';
import { indexerCommand } from './commands/indexer.js';
import { migrateCommand } from './commands/migrate.js';
import { rebuildIndexCommand } from './commands/rebuild-index.js';
import { reconcileCommand } from './commands/reconcile.js';
import { schemaCommand } from './commands/schema.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { commandsTable } from './commands-table.js';
import { failureReport } from './failure-report.js';

export const commands: readonly Command[] = [
  startCommand,
  indexerCommand,
  backfillCommand,
  migrateCommand,
  devnetCommand,
  envCommand,
  schemaCommand,
  apiKeyCommand,
  analystRoleCommand,
  statusCommand,
  syncCommand,
  reconcileCommand,
  rebuildIndexCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: choir <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n\`choir <command> --help\` describes a command. Settings come from environment variables: see README.md.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] === '--markdown') {
    process.stdout.write(`${commandsTable(commands)}\n`);
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`choir: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, rest));
  } catch (err) {
    const report = failureReport(name, err, process.env);
    process.stderr.write(report.text);
    return report.exitCode;
  }
}
