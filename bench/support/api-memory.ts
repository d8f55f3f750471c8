// The API process's memory, as its SIGUSR2 handler prints it (bench/support/api-server.ts: after two full GCs), and
// where a growth between two readings sits — for the per-subscription figures of bench/subscriptions.ts.
import type { ChildProcess } from 'node:child_process';

export interface ApiMemory {
  rss: number;
  heapUsed: number;
  external: number;
  /** Pages each V8 space holds. */
  spaces: Record<string, number>;
  /** V8's own malloc'd memory (zones, handles). */
  v8Malloced: number;
}

/** Signals the API process and waits for its MEMORY line in `output()` (everything it printed so far). */
export async function readApiMemory(child: ChildProcess, output: () => string): Promise<ApiMemory> {
  const before = output().length;
  child.kill('SIGUSR2');
  for (;;) {
    const line = output()
      .slice(before)
      .match(/MEMORY (\{.*\})/);
    if (line) return JSON.parse(line[1] as string);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** One line: the RSS growth split into V8 pages (young, old, used), buffers, and what lies outside V8's spaces. */
export function describeGrowth(before: ApiMemory, after: ApiMemory): string {
  const grew = (space: string) => mb((after.spaces[space] ?? 0) - (before.spaces[space] ?? 0));
  const heapPages = Object.keys(after.spaces).reduce((n, k) => n + (after.spaces[k] ?? 0) - (before.spaces[k] ?? 0), 0);
  return (
    `RSS growth by where it sits: V8 pages +${mb(heapPages)} MB (young generation +${grew('new_space')}, ` +
    `old +${grew('old_space')}; used +${mb(after.heapUsed - before.heapUsed)}), ` +
    `external (buffers) +${mb(after.external - before.external)} MB, outside V8's heap +${mb(after.rss - before.rss - heapPages)} MB ` +
    `(of which V8's own malloc +${mb(after.v8Malloced - before.v8Malloced)} MB)`
  );
}
