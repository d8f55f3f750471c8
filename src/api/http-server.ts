/**
 * The API's HTTP server: health, readiness and metrics now; GraphQL (HTTP and WebSocket) mounts on the same server.
 * Shutdown stops accepting connections, lets open requests finish up to a deadline, then closes what is left.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { requestIdMiddleware } from '../observability/flow.js';
import type { HealthRegistry } from '../observability/health.js';
import type { Logger } from '../observability/logger.js';
import { answerClientError } from './client-error.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  health: HealthRegistry;
  metrics: Registry;
  logger: Logger;
  shutdownTimeoutMs: number;
}

export interface HttpServer {
  readonly app: Express;
  readonly server: Server;
  /** The bound address once listening (port 0 resolves to the real port). */
  url(): string;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { health, metrics, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // Every request runs in a flow with its id (x-request-id, echoed): log lines and outbox items carry it (flow.ts).
  app.use(requestIdMiddleware());

  app.get('/healthz', (_req, res) => {
    res.json(health.liveness());
  });
  app.get('/readyz', async (_req, res) => {
    const report = await health.readiness();
    res.status(report.ready ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  const server = createServer(app);
  server.on('clientError', answerClientError);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    app,
    server,
    url() {
      const address = server.address() as AddressInfo | null;
      if (!address) throw new Error('http server is not listening');
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
    },
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open until they time out.
      server.closeIdleConnections();
      const deadline = setTimeout(() => {
        if (sockets.size) logger.warn({ open: sockets.size }, 'shutdown deadline reached: closing open connections');
        for (const socket of sockets) socket.destroy();
      }, options.shutdownTimeoutMs);
      await closed;
      clearTimeout(deadline);
    },
  };
}
