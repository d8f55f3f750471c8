/**
 * What `choir <command>` prints when it fails: one line, `choir <command>: <CODE>: <message>`, in the user's words.
 * A network failure nobody named (an INTERNAL "fetch failed") at least says which address did not answer. Stack
 * traces are for bug reports, not for users: printed only with LOG_LEVEL=debug or trace.
 */
import { type ChoirError, networkFailure, toChoirError } from '../errors/index.js';

export interface FailureReport {
  readonly text: string;
  readonly exitCode: number;
}

/** Exit code 2: what the user must change before running again (arguments, settings, another choir running here). */
const USAGE_CODES = new Set(['CONFIG_INVALID', 'BAD_USER_INPUT', 'ALREADY_RUNNING']);

export function failureReport(
  command: string,
  err: unknown,
  env: Readonly<Record<string, string | undefined>>,
): FailureReport {
  const error: ChoirError = toChoirError(err);
  let message = error.message;
  const lines: string[] = [];
  if (error.code === 'INTERNAL') {
    const network = networkFailure(err);
    if (network) {
      const where = network.address ? ` to ${network.address}` : '';
      message = `could not connect${where} (${network.reason}): is the service it needs running? (${message})`;
    }
    const stack = err instanceof Error ? err.stack : undefined;
    if (stack && (env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace')) lines.push(stack);
    else if (stack) lines.push('(LOG_LEVEL=debug prints the stack trace)');
  }
  return {
    text: `${[`choir ${command}: ${error.code}: ${message}`, ...lines].join('\n')}\n`,
    exitCode: USAGE_CODES.has(error.code) ? 2 : 1,
  };
}
