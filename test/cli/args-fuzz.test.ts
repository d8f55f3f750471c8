// Seeded random command lines for `choir`: every one ends on its own (no hang) with exit code 0, 1 or 2 and, when
// it fails, one line that names the command and what is wrong — never a stack trace, never an INTERNAL error — and
// nothing already stored in the database changes. Command lines that would start a long-running service (start,
// devnet without seed) or rewrite a checked-in file (schema without --check) or a cluster-wide role
// (analyst-role --password/--disable) are left out once they parse: those are not bad input.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/command.js';
import { commands } from '../../src/cli/main.js';
import { runChoir } from '../support/choir-process.js';
import { freePort } from '../support/ports.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';

const SEED = 1818;
const RUNS = 24;

/** Whether `argv` is a well-formed command line that would do something other than answer and exit. */
function wouldRunAService(argv: string[]): boolean {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command || rest.includes('--help') || rest.includes('-h')) return false;
  let parsed: ReturnType<typeof parseCommandArgs>;
  try {
    parsed = parseCommandArgs(command, rest);
  } catch {
    return false;
  }
  if (name === 'start') return true;
  if (name === 'devnet') return parsed.positionals.length === 0;
  if (name === 'schema') return parsed.values.check !== true;
  if (name === 'analyst-role') return parsed.values.password !== undefined || parsed.values.disable !== undefined;
  return false;
}

/** `choir status` answers with a report, exit 1 when the service does not answer: that report is the message. */
function isStatusReport(args: string[], out: string): boolean {
  return args[0] === 'status' && /^service\s+\S+: not answering \(.+\) — is choir running\?/m.test(out);
}

async function snapshot(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'api_keys' ORDER BY 1",
    );
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const { rows } = await client.query<{ digest: string | null }>(
        `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${name}" t`,
      );
      out[name] = rows[0]?.digest ?? 'empty';
    }
    // API keys may be added by `api-key create`; the one stored before must stay as it was.
    const { rows: keys } = await client.query("SELECT id, name, revoked_at FROM api_keys WHERE name = 'kept'");
    out.api_keys_kept = JSON.stringify(keys);
    return out;
  } finally {
    await client.end();
  }
}

describe('choir command lines under seeded random arguments', () => {
  let db: TestDatabase;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    dir = mkdtempSync(join(tmpdir(), 'choir-args-'));
    chmodSync(dir, 0o755);
    // Everything a command might reach is either the test database or a port where nothing listens.
    env = {
      DATABASE_URL: db.url,
      PORT: String(await freePort()),
      DEVNET_RPC_PORT: String(await freePort()),
      DEVNET_WS_PORT: String(await freePort()),
      DEVNET_GEYSER_PORT: String(await freePort()),
      DEVNET_DATA_DIR: join(dir, 'devnet'),
      VECTOR_DATA_DIR: join(dir, 'vectors'),
      EMBEDDED_PG_DIR: join(dir, 'pg'),
      LOG_LEVEL: 'warn',
    };
    const kept = runChoir(['api-key', 'create', 'kept'], env);
    expect(await kept.exited, kept.output()).toBe(0);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("INSERT INTO indexer_cursors (stream, slot, updated_at) VALUES ('kept', 7, now())");
    await client.end();
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers every command line with a clear result or one line of error, and changes nothing stored', async () => {
    const before = await snapshot(db.url);
    const names = commands.map((c) => c.name);
    const optionNames = [...new Set(commands.flatMap((c) => Object.keys(c.options ?? {})))];
    const value = fc.oneof(
      fc.constantFrom('0', '-1', '1', '3', '100000000000', '1e9', 'NaN', '', ' ', 'x'.repeat(300), '☃', '../../etc'),
      fc.constantFrom('http://127.0.0.1:9', 'not a url', 'ftp://example', 'api', 'all', 'worker', 'indexer'),
      fc.constantFrom('seed', 'create', 'list', 'revoke', '11111111111111111111111111111111', '0OIl'),
      fc.string({ maxLength: 20 }),
    );
    const option = fc.oneof(
      fc.constantFrom(...optionNames).map((n) => `--${n}`),
      fc.tuple(fc.constantFrom(...optionNames), value).map(([n, v]) => `--${n}=${v}`),
      fc.constantFrom('--', '-', '-x', '--nope', '--=1', '---json'),
    );
    const command = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...names) },
      {
        weight: 1,
        arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'help', 'START', 'devnet seed')),
      },
    );
    const argv = fc
      .tuple(command, fc.array(fc.oneof(option, value), { maxLength: 5 }))
      .map(([c, rest]) => [c, ...rest])
      .filter((a) => !wouldRunAService(a));
    const lines = fc.sample(argv, { seed: SEED, numRuns: RUNS });

    const failures: string[] = [];
    const check = async (args: string[]) => {
      const proc = runChoir(args, env);
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000);
      const code = await proc.exited;
      clearTimeout(timer);
      const out = proc.output();
      const where = `choir ${JSON.stringify(args)} → ${code}\n${out}`;
      if (![0, 1, 2].includes(code as number)) failures.push(`no clean exit: ${where}`);
      else if (/\n\s+at .+[(:]\d+/.test(out)) failures.push(`stack trace: ${where}`);
      else if (/: INTERNAL: /.test(out)) failures.push(`internal error: ${where}`);
      else if (code !== 0 && !/^choir(?: [\w-]+)?: .+/m.test(out) && !isStatusReport(args, out)) {
        failures.push(`no "choir <command>: …" line: ${where}`);
      }
    };
    // Two at a time: each is a real process (about 2 s of start-up).
    for (let i = 0; i < lines.length; i += 2) await Promise.all(lines.slice(i, i + 2).map(check));
    expect(failures).toEqual([]);
    expect(await snapshot(db.url)).toEqual(before);
  }, 600_000);

  it('what the fuzz found: an empty command name is an unknown command, a --url that is no URL a usage error', async () => {
    const empty = runChoir(['', '--reset-index'], env);
    expect(await empty.exited).toBe(2);
    expect(empty.output()).toMatch(/^choir: unknown command ""\n/);
    const status = runChoir(['status', '--url=api'], env);
    expect(await status.exited).toBe(2);
    expect(status.output()).toMatch(
      /^choir status: BAD_USER_INPUT: --url must be an http\(s\) URL \(got "api"; example: --url http:\/\/127\.0\.0\.1:4000\)/,
    );
  }, 60_000);
});
