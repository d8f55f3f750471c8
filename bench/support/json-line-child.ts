// A helper process of a bench (the chain, run apart so its work does not share the measured event loop) that
// speaks JSON lines: each line it prints starting with `{` is one message, read in order with `next()`; lines sent
// to its stdin are its commands; closing stdin asks it to stop.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface JsonLineChild<T> {
  readonly pid: number;
  /** The next message it prints (rejected if it exits first). */
  next(): Promise<T>;
  send(line: string): void;
  /** Ends its stdin and waits for it to exit. */
  close(): Promise<void>;
}

/** Runs a TypeScript file (through bin/run-ts.js) with `args`. */
export function spawnJsonLineChild<T>(file: string, args: readonly string[]): JsonLineChild<T> {
  const runTs = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
  const child = spawn(process.execPath, [runTs, file, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const messages: T[] = [];
  const waiting: { resolve: (m: T) => void; reject: (err: Error) => void }[] = [];
  let exited: Error | null = null;
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += String(chunk);
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as T;
      const w = waiting.shift();
      if (w) w.resolve(message);
      else messages.push(message);
    }
  });
  const done = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = new Error(`${file} exited (${code})`);
      for (const w of waiting.splice(0)) w.reject(exited);
      resolve();
    }),
  );
  return {
    pid: child.pid as number,
    next() {
      const queued = messages.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (exited) return Promise.reject(exited);
      return new Promise<T>((resolve, reject) => waiting.push({ resolve, reject }));
    },
    send(line) {
      child.stdin.write(line.endsWith('\n') ? line : `${line}\n`);
    },
    close() {
      child.stdin.end();
      return done;
    },
  };
}
