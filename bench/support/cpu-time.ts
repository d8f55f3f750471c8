// CPU seconds spent by processes and threads, read from Linux's /proc (benchmarks only): which of the indexer's
// main thread, its other threads (gRPC transport, GC, libuv), the chain process and the Postgres backends is the
// bottleneck on a 2-core machine. Returns null where /proc cannot be read (not Linux, another host's Postgres).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

function ticks(statPath: string): number | null {
  try {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** CPU seconds a process has used so far (all its threads). */
export function processCpuSeconds(pid: number): number | null {
  const t = ticks(`/proc/${pid}/stat`);
  return t === null ? null : t / TICKS_PER_SECOND;
}

/** This process's CPU seconds: its main (JavaScript) thread and all its other threads together. */
export function ownThreadsCpuSeconds(): { main: number; others: number } | null {
  let main = 0;
  let others = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const t = ticks(`/proc/self/task/${tid}/stat`) ?? 0;
      if (Number(tid) === process.pid) main += t;
      else others += t;
    }
  } catch {
    return null;
  }
  return { main: main / TICKS_PER_SECOND, others: others / TICKS_PER_SECOND };
}

/** Total CPU seconds of several processes (e.g. Postgres backends), null if none could be read. */
export function sumCpuSeconds(pids: readonly number[]): number | null {
  let sum = 0;
  let read = 0;
  for (const pid of pids) {
    const s = processCpuSeconds(pid);
    if (s !== null) {
      sum += s;
      read++;
    }
  }
  return read ? sum : null;
}
