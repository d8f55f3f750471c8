import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { ChoirError } from '../../errors/index.js';
import { type Logger, silentLogger } from '../../observability/logger.js';
import { lockDir } from '../../runtime/dir-lock.js';
import { migrateEmbeddedStore } from './migrate.js';

/** Keeps the embedded store in memory only (tests); any other value is a data directory. */
export const IN_MEMORY = 'memory://';

export interface EmbeddedDatabase {
  readonly db: PGlite;
  close(): Promise<void>;
}

const META_SCHEMA = `
  CREATE EXTENSION IF NOT EXISTS vector;
  CREATE TABLE IF NOT EXISTS choir_collections (
    name text PRIMARY KEY,
    dimension integer NOT NULL,
    model text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS choir_aliases (
    alias text PRIMARY KEY,
    collection text NOT NULL REFERENCES choir_collections (name)
  );
  -- The layout of each collection's table (sql.ts SCHEMA_VERSION). Added, not declared above, so a store written
  -- before the column existed gets it too: its collections read as version 1 and are migrated (migrate.ts).
  ALTER TABLE choir_collections ADD COLUMN IF NOT EXISTS schema_version integer NOT NULL DEFAULT 1;
`;

/** The session settings the store relies on (per connection: they are not stored in the database). */
async function applySessionSettings(db: Pick<PGlite, 'exec'>, efSearch: number): Promise<void> {
  // Filtered HNSW scans keep walking the graph until enough rows pass the filter (pgvector ≥ 0.8); rows may come
  // back slightly out of order, so the store re-sorts them. ef_search trades latency for recall.
  await db.exec(`SET hnsw.iterative_scan = relaxed_order; SET hnsw.ef_search = ${Math.trunc(efSearch)};`);
  // Room to build an HNSW graph in memory: building it on disk pages is many times slower.
  await db.exec("SET maintenance_work_mem = '512MB'");
}

/**
 * Opens (creating if needed) the embedded Postgres with pgvector in `dataDir`, and upgrades collections written by
 * an earlier layout in place (migrate.ts) before anything reads them.
 */
export async function openEmbeddedDatabase(
  dataDir: string,
  efSearch: number,
  logger: Logger = silentLogger,
): Promise<EmbeddedDatabase> {
  let release = () => {};
  let db: PGlite;
  if (dataDir === IN_MEMORY) {
    db = await PGlite.create({ extensions: { vector } });
  } else {
    const dir = resolve(dataDir);
    // PGlite is one in-process Postgres over files: a second process opening the directory would corrupt it.
    release = lockDir(dir, { variable: 'VECTOR_DATA_DIR' }).release;
    try {
      db = await PGlite.create(join(dir, 'pgdata'), { extensions: { vector } });
    } catch (err) {
      release();
      throw new ChoirError('QDRANT_UNAVAILABLE', `cannot open the embedded vector store in ${dir}: ${String(err)}`, {
        cause: err,
      });
    }
  }
  try {
    await db.exec(META_SCHEMA);
    await migrateEmbeddedStore(db, logger);
  } catch (err) {
    // The directory stays locked by this process until closed: release it, or a retry would refuse to open.
    await db.close();
    release();
    throw err;
  }
  await applySessionSettings(db, efSearch);
  return {
    db,
    async close() {
      await db.close();
      release();
    },
  };
}
