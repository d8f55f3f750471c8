/**
 * Runs a per-thread check over many threads with a little concurrency, reporting progress after each thread. A
 * thread that cannot be read (gone from the chain, an RPC outage past its retries) is reported, not fatal: the
 * other threads still get checked.
 */
import { toChoirError } from '../errors/index.js';

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly threadAddress: string;
}

export interface ThreadFailure {
  readonly threadAddress: string;
  readonly code: string;
  readonly message: string;
}

export async function overThreads<R>(
  threads: readonly string[],
  run: (thread: string) => Promise<R>,
  options: { concurrency?: number; onProgress?: (p: Progress) => void } = {},
): Promise<{ results: R[]; failures: ThreadFailure[] }> {
  const results: R[] = [];
  const failures: ThreadFailure[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < threads.length; i = next++) {
      const threadAddress = threads[i] as string;
      try {
        results.push(await run(threadAddress));
      } catch (err) {
        const e = toChoirError(err);
        failures.push({ threadAddress, code: e.code, message: e.message });
      }
      done += 1;
      options.onProgress?.({ done, total: threads.length, threadAddress });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { results, failures };
}
