/** Starts the GraphQL API alone (no chain) on a test database, with a statement counter on its SQL. */
import { createHash, randomBytes } from 'node:crypto';
import { Keypair } from '@solana/web3.js';
import type pg from 'pg';
import { Auth } from '../../src/api/graphql/auth/auth.js';
import type { ApiCaches } from '../../src/api/graphql/cache/api-caches.js';
import type { ApiServices } from '../../src/api/graphql/context.js';
import { type GraphqlMount, mountGraphql } from '../../src/api/graphql/mount.js';
import { type Sql, statementText } from '../../src/api/graphql/read/records.js';
import { buildApiSchema } from '../../src/api/graphql/schema.js';
import { type EventHub, startEventHub } from '../../src/api/graphql/subscriptions/event-hub.js';
import { createHttpServer, type HttpServer } from '../../src/api/http-server.js';
import { readSection } from '../../src/config/section.js';
import { apiSection } from '../../src/config/sections/api.js';
import { HealthRegistry } from '../../src/observability/health.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetricsRegistry } from '../../src/observability/metrics.js';

export interface RunningApi {
  url: string;
  wsUrl: string;
  hub: EventHub;
  /** SQL statements the API ran since the last reset. */
  statements: string[];
  close(): Promise<void>;
}

export async function startApi(
  db: { url: string; pool: pg.Pool },
  options: {
    env?: Record<string, string>;
    services?: Partial<ApiServices>;
    caches?: ApiCaches;
    /** How long the event hub waits before listening again after its connection drops (default 50 ms). */
    hubReconnectMs?: number;
  } = {},
): Promise<RunningApi> {
  const statements: string[] = [];
  const sql: Sql = {
    query(statement, values) {
      statements.push(statementText(statement));
      return db.pool.query(statement as never, values as unknown[]) as never;
    },
  };
  const settings = readSection(apiSection, options.env ?? {});
  const health = new HealthRegistry(500);
  const http: HttpServer = createHttpServer({
    host: '127.0.0.1',
    port: 0,
    health,
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    logger: silentLogger,
    shutdownTimeoutMs: 1_000,
  });
  const caches = options.caches;
  const hub = await startEventHub({
    url: db.url,
    sql: db.pool,
    logger: silentLogger,
    reconnectMs: options.hubReconnectMs ?? 50,
    ...(caches ? { beforeDeliver: caches.onEvent } : {}),
  });
  caches?.hubStartedAt(hub.position);
  const mount: GraphqlMount = await mountGraphql(http, await buildApiSchema(), {
    health,
    logger: silentLogger,
    settings,
    db: sql,
    auth: new Auth(db.pool, settings),
    events: hub,
    ...(caches ? { caches } : {}),
    ...options.services,
  });
  await http.listen();
  const url = `${http.url()}/graphql`;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    hub,
    statements,
    async close() {
      await mount.close();
      await http.close();
      await hub.close();
    },
  };
}

/** POSTs an operation; returns the status and parsed body. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: res.status, ...body };
}

export const key = () => Keypair.generate().publicKey.toBase58();
export const sha = (text: string) => createHash('sha256').update(text).digest('hex');
export const hex32 = () => randomBytes(32).toString('hex');
