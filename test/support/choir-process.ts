import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface ChoirProcess {
  child: ChildProcess;
  /** stdout and stderr interleaved as they arrived. */
  output(): string;
  /** stdout alone: a command's results, without log lines. */
  stdout(): string;
  /** Resolves with the exit code (or the signal name) once the process ends. */
  exited: Promise<number | string>;
}

/**
 * Runs `node <argv…>` from the repository root as a real child process (so tests can signal or kill -9 it), with the
 * test runner's own variables removed from its environment and `env` added.
 */
export function spawnNode(
  argv: string[],
  env: Record<string, string>,
  inherit: (name: string) => boolean = () => true,
): ChoirProcess {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('VITEST') && inherit(k)),
  );
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (c) => {
    output += c;
    stdout += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => output, stdout: () => stdout, exited };
}

/** Runs `node bin/choir.js <args>` the way `npm start` does, with exactly the given environment additions. */
export function runChoir(args: string[], env: Record<string, string>): ChoirProcess {
  return spawnNode(
    [join(root, 'bin', 'choir.js'), ...args],
    { LOG_FORMAT: 'json', ...env },
    (k) => k !== 'DATABASE_URL' && k !== 'PORT',
  );
}

/** Polls `url` until it answers `status`, or fails with what the process printed. */
export async function waitForStatus(url: string, status: number, proc: ChoirProcess, timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`choir exited (${proc.child.exitCode}):\n${proc.output()}`);
    try {
      const res = await fetch(url);
      last = `${res.status} ${await res.text()}`;
      if (res.status === status) return JSON.parse(last.slice(4));
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last}):\n${proc.output()}`);
}
