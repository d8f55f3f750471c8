import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../observability/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import { dispatch, errorResponse } from './dispatch.js';
import { RpcCodes } from './errors.js';
import { stringifyJson } from './json.js';

/** Agave's limit on a JSON-RPC request body. */
export const MAX_REQUEST_BODY_BYTES = 50 * 1024;

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'access-control-allow-origin': '*',
  });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse, ledger: Ledger, logger: Logger): void {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST, GET, OPTIONS',
      'access-control-allow-headers': 'content-type, solana-client',
    });
    res.end();
    return;
  }
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, stringifyJson(errorResponse(null, RpcCodes.INVALID_REQUEST, 'Only POST is supported')));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let rejected = false;
  req.on('data', (chunk: Buffer) => {
    if (rejected) return;
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) {
      rejected = true;
      send(res, 413, stringifyJson(errorResponse(null, RpcCodes.INVALID_REQUEST, 'Request body too large')));
      req.resume();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (rejected) return;
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      send(res, 200, stringifyJson(errorResponse(null, RpcCodes.PARSE_ERROR, 'Parse error')));
      return;
    }
    send(res, 200, stringifyJson(dispatch(body, { ledger }, logger)));
  });
  req.on('error', () => res.destroy());
}

export interface RpcHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The JSON-RPC endpoint (`solana-test-validator`'s port 8899). */
export async function startRpcHttpServer(
  ledger: Ledger,
  host: string,
  port: number,
  logger: Logger,
): Promise<RpcHttpServer> {
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res, ledger, logger);
    } catch (err) {
      logger.error({ err }, 'devnet RPC request failed');
      if (!res.headersSent)
        send(res, 500, stringifyJson(errorResponse(null, RpcCodes.INTERNAL_ERROR, 'Internal error')));
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
