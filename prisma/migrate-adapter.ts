/**
 * The driver adapter Prisma's migrate commands run through (prisma.config.ts). Prisma 6.19.3 migrates through a JS
 * driver adapter here because its native schema engine cannot be downloaded on this network; `@prisma/adapter-pg`
 * 6.19.3 has four bugs on that path, fixed by wrapping it:
 * 1. catalog columns of type "char" (oid 18) and name (oid 19) are unsupported by the adapter: report them as text;
 * 2. the shadow database pool is built with `{ ...config, database }`, which a `connectionString` overrides, so the
 *    "shadow" silently is the main database: build it from parsed fields instead;
 * 3. the shadow database is dropped while its pool is still open (55006): close the pool first, drop WITH (FORCE);
 * 4. scripts are split on every ";" — a semicolon inside a string or a function body breaks a migration: send the
 *    whole script as one multi-statement simple query (what psql -f would do, inside one implicit transaction).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const TEXT_OID = 25;
const RELABELLED_OIDS = new Set([18, 19]);

function relabel(res: pg.QueryResult | undefined) {
  for (const field of res?.fields ?? []) {
    if (RELABELLED_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return res;
}

/** A pg client whose result fields report catalog `"char"`/`name` columns as text (promise and callback forms). */
class CatalogFriendlyClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's overloaded query signature cannot be forwarded with types
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, res: pg.QueryResult) => last(err, relabel(res));
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const result = (super.query as any)(...args);
    return result && typeof result.then === 'function' ? result.then(relabel) : result;
  }
}

function poolConfig(connectionString: string, database?: string): pg.PoolConfig {
  const url = new URL(connectionString);
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: database ?? (decodeURIComponent(url.pathname.slice(1)) || undefined),
    max: 4,
    // The CLI does not always dispose the adapter: let idle connections end the process instead of holding it 10 s.
    allowExitOnIdle: true,
    idleTimeoutMillis: 200,
    Client: CatalogFriendlyClient,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the adapter's internal Pool-backed object is untyped here
function patchScripts(adapter: any, pool: pg.Pool) {
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (err) {
      adapter.onError(err);
    }
  };
  return adapter;
}

export function createMigrateAdapter(connectionString: string) {
  const base = new PrismaPg(poolConfig(connectionString));
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    async connect() {
      const adapter = await base.connect();
      return patchScripts(adapter, (adapter as unknown as { client: pg.Pool }).client);
    },
    async connectToShadowDb() {
      const admin = new pg.Pool(poolConfig(connectionString));
      const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
      await admin.query(`CREATE DATABASE "${database}"`);
      const shadowPool = new pg.Pool(poolConfig(connectionString, database));
      const shadow = await new PrismaPg(shadowPool).connect();
      const dispose = shadow.dispose.bind(shadow);
      // biome-ignore lint/suspicious/noExplicitAny: replacing the adapter's release hook
      (shadow as any).dispose = async () => {
        await dispose();
        await shadowPool.end().catch(() => {});
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await admin.end();
      };
      return patchScripts(shadow, shadowPool);
    },
  };
}
