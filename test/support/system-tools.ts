/**
 * Tests that need a system tool a fresh machine may lack (clang-19 for the program rebuild, Chromium for browser
 * tests) skip there, with the install command in the skip reason. Under CI=true a missing tool fails the test
 * instead: `.ci/run` installs every tool, so a missing one there is a broken CI machine, not a reason to pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'vitest';

export interface SystemTool {
  readonly name: string;
  /** The command that installs it on this project's machines (Debian). */
  readonly install: string;
  present(): boolean;
}

function answers(command: string, args: string[]): boolean {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

export const CLANG_19: SystemTool = {
  name: 'clang-19',
  install: 'apt-get install -y clang-19',
  present: () => answers('clang-19', ['--version']),
};

export const CHROMIUM: SystemTool = {
  name: 'chromium',
  install: 'apt-get install -y chromium',
  present: () => existsSync('/usr/bin/chromium') || answers('chromium', ['--version']),
};

/** Why `tool` stops the test here: null when it is present. */
export function missingTool(tool: SystemTool, env: Readonly<Record<string, string | undefined>> = process.env) {
  if (tool.present()) return null;
  const reason = `${tool.name} is not installed; install it with \`${tool.install}\``;
  return { reason, fail: env.CI === 'true' };
}

/**
 * Call first in a test (or a `beforeEach`): skips it with the install command when `tool` is missing, or fails it
 * under CI=true.
 */
export function needTool(ctx: Pick<TestContext, 'skip'>, tool: SystemTool): void {
  const missing = missingTool(tool);
  if (!missing) return;
  if (missing.fail) throw new Error(`${missing.reason} (CI=true: a missing tool fails the run; .ci/run installs it)`);
  ctx.skip(missing.reason);
}
