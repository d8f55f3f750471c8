import type { Logger } from '../../observability/logger.js';
import { RpcCodes, RpcError } from './errors.js';
import { accountMethods } from './methods/accounts.js';
import { clusterMethods } from './methods/cluster.js';
import { transactionMethods } from './methods/transactions.js';
import type { RpcContext, RpcMethods } from './methods/types.js';
import { positional } from './params.js';

export const rpcMethods: RpcMethods = { ...clusterMethods, ...accountMethods, ...transactionMethods };

type Id = string | number | null;

export interface RpcResponse {
  jsonrpc: '2.0';
  id: Id;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export function errorResponse(id: Id, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

/** Answers one JSON-RPC request object; never throws. */
export function dispatchOne(request: unknown, ctx: RpcContext, logger: Logger): RpcResponse {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    return errorResponse(null, RpcCodes.INVALID_REQUEST, 'Invalid request');
  }
  const { jsonrpc, method, params, id: rawId } = request as Record<string, unknown>;
  const id: Id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
  if (jsonrpc !== '2.0' || typeof method !== 'string') {
    return errorResponse(id, RpcCodes.INVALID_REQUEST, 'Invalid request');
  }
  const handler = Object.hasOwn(rpcMethods, method) ? rpcMethods[method] : undefined;
  if (!handler) return errorResponse(id, RpcCodes.METHOD_NOT_FOUND, 'Method not found');
  try {
    return { jsonrpc: '2.0', id, result: handler(positional(params), ctx) };
  } catch (err) {
    if (err instanceof RpcError) return errorResponse(id, err.code, err.message, err.data);
    logger.warn({ err, method }, 'devnet RPC method failed');
    return errorResponse(id, RpcCodes.INTERNAL_ERROR, `Internal error: ${(err as Error).message}`);
  }
}

/** Answers a parsed body: one request or a batch. */
export function dispatch(body: unknown, ctx: RpcContext, logger: Logger): RpcResponse | RpcResponse[] {
  if (Array.isArray(body)) {
    if (body.length === 0) return errorResponse(null, RpcCodes.INVALID_REQUEST, 'Invalid request');
    return body.map((request) => dispatchOne(request, ctx, logger));
  }
  return dispatchOne(body, ctx, logger);
}
