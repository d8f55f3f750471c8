/**
 * The child side of a supervised part: reads its start options, starts it, says `ready` (or `failed`, with the
 * taxonomy code, and exits with the CLI's exit code for it), and closes in order when the supervisor says `stop`,
 * when the supervisor goes away (its IPC channel closes) or on SIGTERM/SIGINT.
 */
import { failureReport } from '../../cli/failure-report.js';
import { ChoirError, toChoirError } from '../../errors/index.js';
import { type ChildMessage, isParentMessage, PART_OPTIONS_ENV, type PartFailure } from './protocol.js';

export interface PartTools {
  /** Sends a report to the supervisor (a no-op without one). */
  report(topic: string, body: unknown): void;
  /** The part cannot go on: tells the supervisor why, closes, and exits. */
  fail(error: PartFailure): void;
}

export interface RunningPart {
  /** What the supervisor gets with `ready`. */
  readonly info: Record<string, unknown>;
  /** The part's metrics text, for the supervisor's /metrics. */
  metrics?(): Promise<string>;
  close(): Promise<void>;
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

export async function runPart<O>(part: string, start: (options: O, tools: PartTools) => Promise<RunningPart>) {
  let running: RunningPart | undefined;
  let closing = false;
  const exit = (code: number) => {
    if (closing) return;
    closing = true;
    void (async () => {
      let exitCode = code;
      try {
        await running?.close();
      } catch (err) {
        process.stderr.write(`${part}: close failed: ${(err as Error).message}\n`);
        exitCode = exitCode || 1;
      }
      process.exit(exitCode);
    })();
  };
  const tools: PartTools = {
    report: (topic, body) => {
      if (process.connected) process.send?.({ type: 'report', topic, body } satisfies ChildMessage);
    },
    fail: (error) => {
      void send({ type: 'failed', error }).then(() =>
        exit(failureReport(part, new ChoirError(error.code, error.message), {}).exitCode),
      );
    },
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'stop') exit(0);
    else if (message.type === 'scrape') {
      void (running?.metrics?.() ?? Promise.resolve('')).then(
        (text) => send({ type: 'metrics', id: message.id, text }),
        () => send({ type: 'metrics', id: message.id, text: '' }),
      );
    }
  });
  process.on('disconnect', () => exit(0));
  process.on('SIGTERM', () => exit(0));
  process.on('SIGINT', () => exit(0));

  try {
    const options = JSON.parse(process.env[PART_OPTIONS_ENV] ?? '{}') as O;
    running = await start(options, tools);
  } catch (err) {
    const error = toChoirError(err);
    const report = failureReport(part, err, process.env);
    process.stderr.write(report.text);
    await send({ type: 'failed', error: { code: error.code, message: error.message } });
    process.exit(report.exitCode);
  }
  await send({ type: 'ready', info: running.info });
}
