/**
 * Exactly one indexer per stream writes: the one holding a session-level Postgres advisory lock, taken on a
 * dedicated connection. If the leader dies its connection closes and Postgres frees the lock; a standby polling
 * every `pollMs` takes over within that. A leader that loses its connection stops leading at once.
 * (Batches also lock the cursor row, so even an overlap of two leaders could not apply a change twice.)
 */
import pg from 'pg';

/** Advisory lock key of a stream's leader: hashtext of a fixed prefix and the stream name, in SQL. */
const LOCK_SQL = (fn: string) => `SELECT ${fn}(hashtextextended('choir-indexer-leader:' || $1, 0)) AS ok`;

export interface LeaderLock {
  /** Resolves once this process leads; `lost` resolves if it stops leading. */
  acquire(signal: AbortSignal): Promise<{ lost: Promise<void> }>;
  release(): Promise<void>;
}

export function leaderLock(connectionString: string, stream: string, pollMs: number): LeaderLock {
  let client: pg.Client | null = null;
  let broken = false;

  async function tryOnce(): Promise<pg.Client | null> {
    const c = new pg.Client({ connectionString, application_name: 'choir-indexer-leader' });
    c.on('error', () => {});
    try {
      await c.connect();
      const { rows } = await c.query<{ ok: boolean }>(LOCK_SQL('pg_try_advisory_lock'), [stream]);
      if (rows[0]?.ok) return c;
    } catch {
      // Postgres unreachable: keep standing by.
    }
    await c.end().catch(() => {});
    return null;
  }

  return {
    async acquire(signal) {
      for (;;) {
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        const c = await tryOnce();
        if (c) {
          client = c;
          broken = false;
          const lost = new Promise<void>((resolve) => {
            const gone = () => {
              broken = true;
              resolve();
            };
            c.on('error', gone);
            c.on('end', gone);
            // A silent network partition never errors: probe the session.
            const probe = setInterval(() => {
              c.query('SELECT 1').catch(() => {
                clearInterval(probe);
                gone();
              });
            }, pollMs);
            c.on('end', () => clearInterval(probe));
          });
          return { lost };
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async release() {
      const c = client;
      client = null;
      if (!c) return;
      // A broken connection already lost the lock, and a query on it may never settle: just close it.
      const bounded = (p: Promise<unknown>) =>
        Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 2_000))]);
      if (!broken) await bounded(c.query(LOCK_SQL('pg_advisory_unlock'), [stream]));
      await bounded(c.end());
    },
  };
}
