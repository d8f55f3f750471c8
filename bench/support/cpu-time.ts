// CPU seconds spent by processes and threads, read from Linux's /proc (benchmarks only): which of the indexer's
// main thread, its other threads (gRPC transport, GC, libuv), the chain process and the Postgres backends is the
// bottleneck on a 2-core machine. Returns null where /proc cannot be read (not Linux, another host's Postgres).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

/** The fields of a stat file after the command name (which may hold spaces): state, ppid, … */
function statFields(statPath: string): string[] | null {
  try {
    const stat = readFileSync(statPath, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime (the 12th and 13th fields after the name), in ticks. */
function ticks(statPath: string): number | null {
  const fields = statFields(statPath);
  return fields ? Number(fields[11]) + Number(fields[12]) : null;
}

/** A child process's CPU seconds for a before/after difference: NaN (not null) when it has no pid or no /proc. */
export function childCpuSeconds(pid: number | undefined): number {
  return (pid === undefined ? null : processCpuSeconds(pid)) ?? Number.NaN;
}

/** A process's parent (e.g. a Postgres backend's postmaster), null where /proc cannot be read. */
export function parentPid(pid: number): number | null {
  const fields = statFields(`/proc/${pid}/stat`);
  return fields ? Number(fields[1]) : null;
}

/**
 * CPU seconds of a process and its children, the ended ones included (cutime + cstime: what the parent has reaped).
 * For a server whose workers come and go — Postgres's backends under the postmaster — a sum over the workers alive
 * at the end would lose what the ended ones used.
 */
export function processTreeCpuSeconds(parent: number): number | null {
  const own = statFields(`/proc/${parent}/stat`);
  if (!own) return null;
  let total = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(`/proc/${entry}/stat`);
    if (fields && Number(fields[1]) === parent) total += Number(fields[11]) + Number(fields[12]);
  }
  return total / TICKS_PER_SECOND;
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
