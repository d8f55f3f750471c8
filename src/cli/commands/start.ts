import { mountGraphql } from '../../api/graphql/mount.js';
import { buildApiSchema } from '../../api/graphql/schema.js';
import { createHttpServer } from '../../api/http-server.js';
import { loadConfig } from '../../config/index.js';
import { openDatabase } from '../../db/database.js';
import { redactUrl } from '../../db/pool.js';
import { postgresReadiness } from '../../db/readiness.js';
import { HealthRegistry } from '../../observability/health.js';
import { createLogger } from '../../observability/logger.js';
import { createMetricsRegistry } from '../../observability/metrics.js';
import { Lifecycle } from '../../runtime/lifecycle.js';
import type { Command } from '../command.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the service (embedded Postgres unless DATABASE_URL is set) until SIGINT/SIGTERM',
  usage: 'choir start',
  async run() {
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const lifecycle = new Lifecycle(logger);
    try {
      const db = await openDatabase(config.database, logger);
      lifecycle.onClose('database', () => db.close());
      // Printed plainly so a person can copy it into psql; the embedded server's password is a local default.
      if (db.embedded) process.stderr.write(`choir: Postgres at ${db.url}\n`);
      else logger.info({ url: redactUrl(db.url) }, 'using configured postgres');

      const health = new HealthRegistry();
      health.register(postgresReadiness(db.pool));
      const metrics = createMetricsRegistry();
      const http = createHttpServer({
        ...config.server,
        health,
        metrics,
        logger: logger.child({ component: 'http' }),
      });
      const graphql = await mountGraphql(http, await buildApiSchema(), () => ({
        health,
        logger: logger.child({ component: 'graphql' }),
      }));
      await http.listen();
      lifecycle.onClose('http', () => http.close());
      // Closed before the HTTP server: subscriptions end with a close frame instead of a dropped socket.
      lifecycle.onClose('graphql', () => graphql.close());
      logger.info({ url: http.url() }, `choir listening on ${http.url()}`);
    } catch (err) {
      await lifecycle.close();
      throw err;
    }
    await lifecycle.untilSignal();
    logger.info('stopped');
    return 0;
  },
};
