/**
 * The GraphQL API on a process's HTTP server, as `choir start` and `choir start --role api` both serve it: the event
 * side (src/runtime/api-events.ts), the schema mounted with the process's parts, then the server listening.
 */

import type { IndexerStatus } from '../../indexer/index.js';
import { Auth } from '../api/graphql/auth/auth.js';
import { mountGraphql } from '../api/graphql/mount.js';
import { buildApiSchema } from '../api/graphql/schema.js';
import { syncStatusService } from '../api/graphql/sync-status.js';
import type { HttpServer } from '../api/http-server.js';
import type { RpcClient } from '../chain/rpc-client.js';
import { type OfferedContent, parseOffered } from '../consistency/adopt-content.js';
import type { ConsistencyOperations } from '../consistency/operations.js';
import type { Database } from '../db/database.js';
import type { ReadReplica } from '../db/read-replica.js';
import type { Submissions } from '../pipeline/submissions.js';
import { startApiEvents } from './api-events.js';
import type { Stores } from './open-stores.js';
import type { PartContext } from './part-context.js';

export async function serveApi(
  part: PartContext,
  o: {
    http: HttpServer;
    db: Database;
    replica: ReadReplica | undefined;
    stores: Stores;
    submissions: Submissions;
    indexerStatus?: () => IndexerStatus;
    /** The chain client `syncStatus` reads through; absent: the API answers it with INTERNAL (not configured). */
    syncRpc?: RpcClient;
    /** The process's consistency operations' `adoptContent` (`provideContent`); absent: INTERNAL (not configured). */
    adoptContent?: ConsistencyOperations['adoptContent'];
  },
): Promise<void> {
  const { config, logger, lifecycle, health, metrics, measures } = part;
  const { http, db, replica, stores } = o;
  // One LISTEN connection per process feeds every subscription (src/api/graphql/subscriptions/event-hub.ts).
  const { events, caches } = await startApiEvents({
    url: db.url,
    pool: db.pool,
    settings: config.api,
    metrics,
    logger,
    lifecycle,
  });
  const graphql = await mountGraphql(http, await buildApiSchema(), {
    health,
    logger: logger.child({ component: 'graphql' }),
    settings: config.api,
    db: db.pool,
    ...(replica ? { readDb: replica.pool } : {}),
    metrics: measures,
    auth: new Auth(db.pool, config.api),
    events,
    ...(caches ? { caches } : {}),
    vectorStore: stores.vectorStore,
    embedder: stores.embedder,
    ...(o.indexerStatus ? { indexerStatus: o.indexerStatus } : {}),
    submissions: o.submissions,
    ...(o.syncRpc
      ? {
          syncStatus: syncStatusService({
            pool: db.pool,
            store: stores.vectorStore,
            rpc: o.syncRpc,
            stream: config.indexer.stream,
          }),
        }
      : {}),
    ...(o.adoptContent
      ? {
          // The same bounds as the admin route (the vector store's content limit among them).
          adoptContent: (offered: readonly OfferedContent[]) =>
            (o.adoptContent as NonNullable<typeof o.adoptContent>)(
              parseOffered({ messages: offered }, config.vector.maxContentBytes),
            ),
        }
      : {}),
    nodeEnv: process.env.NODE_ENV,
  });
  await http.listen();
  lifecycle.onClose('http', () => http.close());
  // Closed before the HTTP server: subscriptions end with a close frame instead of a dropped socket.
  lifecycle.onClose('graphql', () => graphql.close());
}
