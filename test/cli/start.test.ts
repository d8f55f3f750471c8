import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runChoir, waitForStatus } from '../support/choir-process.js';
import { embeddedPostgresBlocked, skipEmbeddedPostgres } from '../support/embedded-reachable.js';
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

/** Events by type (commitment changes aside), and whether every thread's sequence runs 1, 2, 3… without a gap. */
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

// One stack for all of it (a start costs ~10 s of CPU): ready, a second start refused, the CLI beside it, seeded data
// indexed and consistent, then a clean restart that neither loses nor repeats an event, a kill -9, a SIGINT.
describe.skipIf(skipEmbeddedPostgres('choir start'))('choir start with no configuration (embedded Postgres)', () => {
  const { dir, running } = useStartDir('choir-start-');

  it('comes up ready, refuses a second start, indexes seeded data, keeps it across a clean restart and a kill -9', async () => {
    // Defaults everywhere except what must not collide with other tests or a developer's running instance:
    // ports and data folders.
    const env = await privateStartEnv(dir);
    const start = () => {
      const p = runChoir(['start'], env);
      running.push(p);
      return p;
    };
    const readyz = `http://127.0.0.1:${env.PORT}/readyz`;

    let proc = start();
    const report = await waitForStatus(readyz, 200, proc);
    expect(report.dependencies.map((d: { name: string; ready: boolean }) => [d.name, d.ready])).toEqual([
      ['postgres', true],
      ['chain', true],
      ['vector-store', true],
      ['embedder', true],
      ['geyser', true],
      ['indexer', true],
      ['relayer', true],
    ]);
    const url = proc.output().match(/Postgres +(postgresql:\/\/\S+)/)?.[1] as string;
    expect(url, proc.output()).toBeDefined();

    // A second `npm start` (or `choir devnet`) in the same checkout must not replay the running devnet's ledger or
    // open its vector store: it stops at once with the running one's pid and exit code 2.
    for (const args of [['start'], ['devnet']]) {
      const second = runChoir(args, env);
      running.push(second);
      expect(await second.exited, second.output()).toBe(2);
      expect(second.output()).toContain(`ALREADY_RUNNING: choir is already running here (pid ${proc.child.pid})`);
      expect(second.output()).not.toMatch(/devnet started|replay|in use; set/);
      expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
    }

    // Another process (an analyst's psql, the CLI) connects while the service runs.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`INSERT INTO indexer_cursors (stream, slot, updated_at) VALUES ('kept', 7, now())`);
    await client.end();
    expect((await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).status).toBe(200);

    // The CLI shares the running service's embedded server instead of stopping it or starting another.
    const status = runChoir(['migrate', '--status'], env);
    expect(await status.exited).toBe(0);
    expect(status.output()).toContain('"pending":[]');
    expect((await fetch(readyz)).status).toBe(200);

    // Seeded data as a new user makes it: the seed hands its texts to the running service, so sync is clean.
    const rpc = proc.output().match(/Solana RPC +(http:\/\/\S+)/)?.[1] as string;
    const seeded = runChoir(['devnet', 'seed', '--rpc', rpc, '--threads', '2', '--messages', '2', '--specs', '2'], env);
    const seedCode = await seeded.exited;
    expect(
      seedCode,
      seeded
        .output()
        .split('\n')
        .filter((l) => !l.includes('"level":30'))
        .join('\n'),
    ).toBe(0);
    // devnet → Geyser → indexer → Postgres: the seed's last transactions settle the specs; once both settlements of
    // both threads are in, all is.
    const expected = Object.fromEntries(Object.entries(PER_THREAD).map(([type, n]) => [type, n * 2]));
    const first = await waitFor(
      () => eventCounts(url),
      (v) => v.counts.SpecApproved === 2 && v.counts.SpecRejected === 2,
    );
    expect(first.counts).toMatchObject(expected);
    expect(first.counts.VoteCast).toBeGreaterThanOrEqual(4);
    expect(first.perThreadGapFree).toBe(true);
    const sync = runChoir(['sync', '--json'], env);
    expect(await sync.exited, sync.output()).toBe(0);
    expect(sync.output()).toContain('"consistent":true');

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(existsSync(join(env.DEVNET_DATA_DIR, 'choir.lock'))).toBe(false);
    expect(existsSync(join(env.VECTOR_DATA_DIR, 'choir.lock'))).toBe(false);

    // A clean restart neither loses nor repeats an event.
    proc = start();
    await waitForStatus(readyz, 200, proc);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await eventCounts(url)).counts).toEqual(first.counts);
    proc.child.kill('SIGKILL'); // leaves its Postgres server behind: the next start must cope
    await proc.exited;

    proc = start();
    await waitForStatus(readyz, 200, proc);
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    const { rows } = await again.query(`SELECT slot::int AS slot FROM indexer_cursors WHERE stream = 'kept'`);
    await again.end();
    expect(rows).toEqual([{ slot: 7 }]);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
  }, 420_000);

  it('a bad setting exits with code 2 and one line naming the variable', async () => {
    const proc = runChoir(['start'], { PORT: 'abc' });
    running.push(proc);
    expect(await proc.exited).toBe(2);
    expect(proc.output().trim()).toBe(
      'choir start: CONFIG_INVALID: PORT="abc": must be an integer between 1 and 65535 (example: PORT=4000)',
    );
  });

  it('an unknown command or option is a usage error', async () => {
    const unknown = runChoir(['bogus'], {});
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('unknown command "bogus"');
    const badOption = runChoir(['migrate', '--nope'], {});
    expect(await badOption.exited).toBe(2);
    expect(badOption.output()).toContain("Unknown option '--nope'");
    const badCount = runChoir(['devnet', 'seed', '--threads', 'x'], {});
    expect(await badCount.exited).toBe(2);
    expect(badCount.output()).toContain('--threads must be an integer from 0 to 100 (got "x")');
    const badSub = runChoir(['devnet', 'sow'], {});
    expect(await badSub.exited).toBe(2);
    expect(badSub.output()).toContain('unknown devnet subcommand "sow"');
  });
});

// Where embedded Postgres cannot run (root, checkout under a 0700 folder), choir must say so and stop cleanly.
describe.runIf(embeddedPostgresBlocked !== null)(
  'choir start where the postgres user cannot reach the binaries',
  () => {
    it('exits 2 with one line that names the folder and the fix', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'choir-blocked-'));
      chmodSync(dir, 0o755);
      try {
        const proc = runChoir(['start'], {
          PORT: String(await freePort()),
          EMBEDDED_PG_PORT: String(await freePort()),
          EMBEDDED_PG_DIR: join(dir, 'pg'),
          DEVNET_DATA_DIR: join(dir, 'devnet'),
          VECTOR_DATA_DIR: join(dir, 'vectors'),
        });
        expect(await proc.exited).toBe(2);
        expect(proc.output()).toContain(
          `CONFIG_INVALID: embedded postgres: its binaries are installed under ${embeddedPostgresBlocked?.dir}`,
        );
        expect(proc.output()).toContain(`chmod o+x ${embeddedPostgresBlocked?.dir}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
