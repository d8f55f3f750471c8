/**
 * Opens choir's database: the configured server (DATABASE_URL) or the embedded one, migrated when asked, with one
 * pg pool shared by Prisma (PrismaPg) and raw SQL. The same code path serves both kinds of server.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import type { DatabaseSettings } from '../config/sections/database.js';
import { ChoirError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { startEmbeddedServer } from './embedded-server.js';
import { PrismaClient } from './generated/client.js';
import { applyMigrations, migrationState } from './migrations.js';
import { createPool, redactUrl } from './pool.js';
import { assertReachable } from './reachable.js';

export interface Database {
  readonly url: string;
  readonly embedded: boolean;
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}

export async function openDatabase(
  settings: DatabaseSettings,
  logger: Logger,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  const log = logger.child({ component: 'db' });
  const embedded = settings.url === undefined;
  const server = embedded ? await startEmbeddedServer({ ...settings.embedded, logger: log }) : undefined;
  const url = server?.url ?? (settings.url as string);
  if (!server) await assertReachable(url);
  if (server)
    log.info({ url: server.url, dataDir: settings.embedded.dataDir }, `embedded postgres ready: ${server.url}`);

  const migrate = options.migrate ?? settings.autoMigrate;
  try {
    if (migrate) {
      const output = await applyMigrations(url);
      log.info({ url: redactUrl(url) }, lastLine(output));
    }
  } catch (err) {
    await server?.stop();
    throw err;
  }

  const pool = createPool({ url, size: settings.poolSize });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    url,
    embedded,
    pool,
    prisma,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      await server?.stop();
    },
  };
}

/** Fails unless every shipped migration is applied: the service must not run on a schema it does not know. */
export async function assertMigrated(pool: pg.Pool): Promise<void> {
  const state = await migrationState(pool);
  if (state.pending.length || state.failed.length) {
    throw new ChoirError(
      'DATABASE_NOT_MIGRATED',
      `database lacks migrations (pending: ${state.pending.join(', ') || 'none'}; failed: ${state.failed.join(', ') || 'none'}): run \`choir migrate\``,
      { details: { ...state } },
    );
  }
}

function lastLine(text: string) {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? 'migrations applied'
  );
}
