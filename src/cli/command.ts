import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ChoirError } from '../errors/index.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Lines `choir <command> --help` prints after the usage: what the options do, examples. */
  readonly description?: readonly string[];
  readonly options?: ParseArgsConfig['options'];
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses a command's arguments strictly: an unknown option or a missing value is a clear BAD_USER_INPUT error. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (err) {
    throw new ChoirError('BAD_USER_INPUT', `${(err as Error).message}\nusage: ${command.usage}`);
  }
}

/** What `choir <command> --help` prints. */
export function commandHelp(command: Command): string {
  const lines = [`usage: ${command.usage}`, '', command.summary];
  if (command.description?.length) lines.push('', ...command.description);
  return `${lines.join('\n')}\n`;
}

/** `--help` or `-h` anywhere among a command's arguments (before a `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}
