/**
 * Runs one part of `choir start` (the devnet, the indexer) in a child process and keeps it running: its output is
 * tagged with the part on our stderr, a crash after it was ready restarts it with backoff, a failure it reports
 * (or exit code 2: a setting to fix) ends supervision with that error and exit code, and `stop()` asks it to close
 * in order before anything it depends on closes.
 *
 * Children run in their own process group, so a Ctrl-C at the terminal reaches only the supervisor, which stops
 * them in order; a child whose supervisor dies (kill -9) sees its IPC channel close and stops itself.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { ChoirError, type ErrorCode } from '../../errors/index.js';
import { backoffDelay } from '../../errors/retry.js';
import type { Logger } from '../../observability/logger.js';
import { type ChildMessage, isChildMessage, PART_OPTIONS_ENV, type ParentMessage } from './protocol.js';
import { LineTagger } from './tag-lines.js';

const RUN_TS = join(import.meta.dirname, '..', '..', '..', 'bin', 'run-ts.js');

export interface PartSpec {
  readonly part: string;
  /** The part's entry file (a TypeScript module that calls `runPart`). */
  readonly entry: string;
  /** Start options of the first run, passed as JSON. */
  readonly options: unknown;
  /** Start options of a restart, from what the previous run reported when ready (e.g. keep its bound ports). */
  readonly restartOptions?: (readyInfo: Record<string, unknown>) => unknown;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly restart?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number; readonly stableMs?: number };
  /** How long `stop()` waits for the part to close before it is killed. */
  readonly stopTimeoutMs?: number;
  readonly onReport?: (topic: string, body: unknown) => void;
  /** The part went down unexpectedly and will be restarted. */
  readonly onDown?: (why: string) => void;
  /** Ready again after a restart. */
  readonly onRestarted?: (info: Record<string, unknown>) => void;
  /** Where tagged output goes (default: our stderr). */
  readonly write?: (text: string) => void;
}

export interface PartExit {
  readonly error: ChoirError;
  /** The exit code to pass up: 2 for a setting or usage to fix, 1 otherwise. */
  readonly exitCode: number;
}

export interface SupervisedPart {
  /** The first run's ready report; rejects with the part's error when it cannot start. */
  readonly ready: Promise<Record<string, unknown>>;
  /** Resolves when the part stopped for good without being asked to (after it was ready). */
  readonly failed: Promise<PartExit>;
  pid(): number | undefined;
  /** The part's Prometheus metrics text ('' when it is down or does not answer in time). */
  scrape(timeoutMs?: number): Promise<string>;
  /** Asks the part to close in order; kills it after the stop timeout. */
  stop(): Promise<void>;
}

const USAGE_CODES = new Set<string>(['CONFIG_INVALID', 'BAD_USER_INPUT', 'ALREADY_RUNNING']);

export function supervise(spec: PartSpec): SupervisedPart {
  const log = spec.logger.child({ component: 'supervisor', part: spec.part });
  const write = spec.write ?? ((text: string) => process.stderr.write(text));
  const restart = { baseDelayMs: 500, maxDelayMs: 30_000, stableMs: 30_000, ...spec.restart };
  const stopTimeoutMs = spec.stopTimeoutMs ?? 20_000;

  let child: ChildProcess | null = null;
  let stopping = false;
  let everReady = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let lastInfo: Record<string, unknown> = {};
  let scrapeId = 0;
  const scrapes = new Map<number, (text: string) => void>();
  let exited: Promise<void> = Promise.resolve();

  let resolveReady!: (info: Record<string, unknown>) => void;
  let rejectReady!: (err: ChoirError) => void;
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // A rejection nobody awaited yet (the caller awaits `ready` first) must not be reported as unhandled.
  ready.catch(() => {});
  let resolveFailed!: (exit: PartExit) => void;
  const failed = new Promise<PartExit>((resolve) => {
    resolveFailed = resolve;
  });

  function spawnPart(options: unknown): void {
    const startedAt = Date.now();
    let reported: ChildMessage & { type: 'failed' } = null as never;
    let readyNow = false;
    const proc = fork(RUN_TS, [spec.entry], {
      env: {
        ...(spec.env ?? process.env),
        [PART_OPTIONS_ENV]: JSON.stringify(options),
      },
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    child = proc;
    const out = new LineTagger(spec.part, write);
    const err = new LineTagger(spec.part, write);
    proc.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
    proc.stderr?.setEncoding('utf8').on('data', (c: string) => err.push(c));
    proc.on('message', (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.type === 'ready') {
        readyNow = true;
        lastInfo = message.info;
        if (!everReady) {
          everReady = true;
          resolveReady(message.info);
        } else {
          log.info({ pid: proc.pid }, `${spec.part} is back`);
          spec.onRestarted?.(message.info);
        }
      } else if (message.type === 'failed') reported = message;
      else if (message.type === 'report') spec.onReport?.(message.topic, message.body);
      else if (message.type === 'metrics') scrapes.get(message.id)?.(message.text);
    });
    exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        out.end();
        err.end();
        if (child === proc) child = null;
        for (const [id, answer] of scrapes) {
          scrapes.delete(id);
          answer('');
        }
        resolve();
        if (stopping) return;
        const how = signal ? `signal ${signal}` : `code ${code}`;
        // A part that says it cannot run, or exits 2 (a setting to fix), would fail the same way again.
        if (reported || code === 2) {
          const error = reported
            ? new ChoirError(reported.error.code as ErrorCode, reported.error.message)
            : new ChoirError('CONFIG_INVALID', `${spec.part} process exited with ${how}`);
          const exitCode = USAGE_CODES.has(error.code) || code === 2 ? 2 : 1;
          if (!everReady) rejectReady(error);
          else resolveFailed({ error, exitCode });
          return;
        }
        if (!everReady) {
          rejectReady(new ChoirError('INTERNAL', `${spec.part} process exited with ${how} before it was ready`));
          return;
        }
        failures = readyNow && Date.now() - startedAt >= restart.stableMs ? 1 : failures + 1;
        const delay = backoffDelay(failures, restart);
        const why = `${spec.part} process exited with ${how}; restarting in ${delay} ms`;
        log.warn({ pid: proc.pid, code, signal, delayMs: delay, failures }, why);
        spec.onDown?.(why);
        restartTimer = setTimeout(() => {
          restartTimer = null;
          if (!stopping) spawnPart(spec.restartOptions ? spec.restartOptions(lastInfo) : options);
        }, delay);
      });
    });
  }

  function send(message: ParentMessage): boolean {
    if (!child?.connected) return false;
    try {
      child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  spawnPart(spec.options);

  return {
    ready,
    failed,
    pid: () => child?.pid,
    scrape(timeoutMs = 2_000) {
      const id = ++scrapeId;
      if (!send({ type: 'scrape', id })) return Promise.resolve('');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          scrapes.delete(id);
          resolve('');
        }, timeoutMs);
        scrapes.set(id, (text) => {
          clearTimeout(timer);
          scrapes.delete(id);
          resolve(text);
        });
      });
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const proc = child;
      if (!proc) return;
      if (!send({ type: 'stop' })) proc.kill('SIGTERM');
      const timer = setTimeout(() => {
        log.warn({ pid: proc.pid, timeoutMs: stopTimeoutMs }, `${spec.part} did not stop in time: killing it`);
        proc.kill('SIGKILL');
      }, stopTimeoutMs);
      await exited;
      clearTimeout(timer);
      log.info({ pid: proc.pid, code: proc.exitCode, signal: proc.signalCode }, `${spec.part} process stopped`);
    },
  };
}
