import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { seedDevnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { runChoir, waitForStatus } from '../support/choir-process.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { freePort } from '../support/ports.js';
import { privateStartEnv, useStartDir } from '../support/start-env.js';

/** What one seeded thread (2 messages, 2 specs: one approved, one rejected) produces in the event log. */
const PER_THREAD = {
  ThreadCreated: 1,
  MessagePublished: 2,
  SpecSubmitted: 2,
  SpecApproved: 1,
  SpecRejected: 1,
  CoAuthorAdded: 1,
};

async function eventCounts(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ type: string; n: number }>(
      `SELECT type::text, count(*)::int AS n FROM events WHERE type <> 'CommitmentChanged' GROUP BY 1 ORDER BY 1`,
    );
    const sequences = await client.query<{ ok: boolean }>(
      `SELECT bool_and(thread_sequence = rn) AS ok FROM (
         SELECT thread_sequence, row_number() OVER (PARTITION BY thread_address ORDER BY sequence) AS rn FROM events) s`,
    );
    return { counts: Object.fromEntries(rows.map((r) => [r.type, r.n])), perThreadGapFree: sequences.rows[0]?.ok };
  } finally {
    await client.end();
  }
}

async function waitFor<T>(fn: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    value = await fn();
  }
  return value;
}

describe.skipIf(skipEmbeddedPostgres('npm start end to end'))(
  'npm start end to end: devnet → Geyser → indexer → Postgres',
  () => {
    const { dir, running } = useStartDir('choir-e2e-');

    it('indexes what clients do on the local chain, and a restart neither loses nor repeats an event', async () => {
      const rpcPort = await freePort();
      const env = await privateStartEnv(dir, { rpc: rpcPort, ws: await freePort() });
      const readyz = `http://127.0.0.1:${env.PORT}/readyz`;
      let proc = runChoir(['start'], env);
      running.push(proc);
      await waitForStatus(readyz, 200, proc);
      const dbUrl = proc.output().match(/Postgres +(postgresql:\/\/\S+)/)?.[1] as string;

      const seeded = await seedDevnet({
        rpcUrl: `http://127.0.0.1:${rpcPort}`,
        threads: 2,
        messagesPerThread: 2,
        specsPerThread: 2,
        logger: silentLogger,
      });
      expect(seeded.threads).toHaveLength(2);
      const expected = Object.fromEntries(Object.entries(PER_THREAD).map(([type, n]) => [type, n * 2]));
      // The seed's last transactions settle the specs: once both settlements of both threads are in, all is.
      const first = await waitFor(
        () => eventCounts(dbUrl),
        (v) => v.counts.SpecApproved === 2 && v.counts.SpecRejected === 2,
      );
      expect(first.counts).toMatchObject(expected);
      expect(first.counts.VoteCast).toBeGreaterThanOrEqual(4);
      expect(first.perThreadGapFree).toBe(true);

      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      proc = runChoir(['start'], env);
      running.push(proc);
      await waitForStatus(readyz, 200, proc);
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await eventCounts(dbUrl)).counts).toEqual(first.counts);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }, 420_000);
  },
);
