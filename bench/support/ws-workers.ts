// The bench's subscribers: forked worker processes (ws-subscribers.ts) that open graphql-ws connections, each
// with many subscriptions, and record when each event reached each subscription. The clients need more CPU than
// the server they load, so they run beside it, not in the bench's own event loop.
import { type ChildProcess, fork } from 'node:child_process';

/** A forked worker and a request/reply call over its IPC channel. */
export interface Worker {
  child: ChildProcess;
  call<T>(command: Record<string, unknown>): Promise<T>;
}

export async function startWorker(runTs: string, file: string): Promise<Worker> {
  const child = fork(runTs, [file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 1;
  const pending = new Map<number, (m: unknown) => void>();
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { id?: number; ready?: boolean }) => {
      if (m.ready) resolve();
      if (m.id !== undefined) {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
      }
    });
  });
  return {
    child,
    call<T>(command: Record<string, unknown>) {
      const id = next++;
      return new Promise<T>((resolve) => {
        pending.set(id, resolve as (m: unknown) => void);
        child.send({ ...command, id });
      });
    },
  };
}

/** Spreads `total` subscriptions over the workers, `perConnection` per connection. */
export async function subscribeAll(
  workers: Worker[],
  url: string,
  total: number,
  perConnection: number,
  query: string,
  variables: Record<string, unknown>,
) {
  const connections = Math.ceil(total / perConnection);
  const replies = await Promise.all(
    workers.map((w, i) => {
      const mine = Math.floor(connections / workers.length) + (i < connections % workers.length ? 1 : 0);
      return w.call<{ subscribed: number; errors: number }>({
        cmd: 'subscribe',
        url,
        connections: mine,
        perConnection,
        query,
        variables,
      });
    }),
  );
  return replies.reduce((n, r) => n + r.subscribed, 0);
}

/** Waits until `expected` receipts of `key` are in (or 10 s), and returns their latencies from `t0`. */
export async function deliveries(workers: Worker[], key: string, expected: number, t0: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const replies = await Promise.all(workers.map((w) => w.call<{ times: number[] }>({ cmd: 'collect', key })));
    const times = replies.flatMap((r) => r.times);
    if (times.length >= expected || Date.now() > deadline) return times.map((t) => t - t0);
  }
}
