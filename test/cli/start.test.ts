import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runChoir, waitForStatus } from '../support/choir-process.js';
import { embeddedPostgresBlocked, skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { freePort } from '../support/ports.js';
import { privateStartEnv, useStartDir } from '../support/start-env.js';

describe.skipIf(skipEmbeddedPostgres('choir start'))('choir start with no configuration (embedded Postgres)', () => {
  const { dir, running } = useStartDir('choir-start-');

  it('comes up ready, keeps its data across a clean restart and across a kill -9', async () => {
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
    const url = proc.output().match(/Postgres +(postgresql:\/\/\S+)/)?.[1];
    expect(url, proc.output()).toBeDefined();

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
    const seeded = runChoir(['devnet', 'seed', '--rpc', rpc, '--threads', '1', '--messages', '2', '--specs', '1'], env);
    const seedCode = await seeded.exited;
    expect(
      seedCode,
      seeded
        .output()
        .split('\n')
        .filter((l) => !l.includes('"level":30'))
        .join('\n'),
    ).toBe(0);
    const sync = runChoir(['sync', '--json'], env);
    expect(await sync.exited, sync.output()).toBe(0);
    expect(sync.output()).toContain('"consistent":true');

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);

    proc = start();
    await waitForStatus(readyz, 200, proc);
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
