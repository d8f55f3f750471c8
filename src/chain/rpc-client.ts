/**
 * A small Solana JSON-RPC client for the write path. It classifies failures into the taxonomy so callers can retry
 * exactly the transient ones: transport errors, HTTP 429/5xx and "node behind" answers are retryable
 * (SOLANA_RPC_UNAVAILABLE); an expired blockhash is SOLANA_TRANSACTION_EXPIRED; anything else the node rejects is
 * returned as an RpcFailure for the caller to map (program errors arrive that way from preflight).
 */
import { ChoirError } from '../errors/index.js';

export interface RpcErrorBody {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** The node answered with a JSON-RPC error that is not transient. */
export class RpcFailure extends Error {
  constructor(
    readonly method: string,
    readonly error: RpcErrorBody,
  ) {
    super(`${method}: ${error.message}`);
    this.name = 'RpcFailure';
  }
}

/** JSON-RPC error codes a healthy retry can get past (Solana's server error codes). */
const TRANSIENT_RPC_CODES = new Set([-32004, -32005, -32007, -32009, -32014, -32016]);

export interface RpcClient {
  readonly url: string;
  call<T>(method: string, params?: unknown[]): Promise<T>;
}

export function createRpcClient(url: string, options: { timeoutMs?: number; fetch?: typeof fetch } = {}): RpcClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let id = 0;
  return {
    url,
    async call<T>(method: string, params: unknown[] = []): Promise<T> {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `${method}: ${(err as Error).message}`, {
          cause: err,
          details: { method },
        });
      }
      if (res.status === 429 || res.status >= 500) {
        throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `${method}: HTTP ${res.status}`, {
          details: { method, status: res.status },
        });
      }
      let body: { result?: T; error?: RpcErrorBody };
      try {
        body = (await res.json()) as typeof body;
      } catch (err) {
        throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `${method}: unreadable answer (HTTP ${res.status})`, {
          cause: err,
          details: { method, status: res.status },
        });
      }
      if (body.error) {
        if (TRANSIENT_RPC_CODES.has(body.error.code)) {
          throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `${method}: ${body.error.message}`, {
            details: { method, rpcCode: body.error.code },
          });
        }
        if (/blockhash not found/i.test(body.error.message)) {
          throw new ChoirError('SOLANA_TRANSACTION_EXPIRED', `${method}: ${body.error.message}`, {
            details: { method },
          });
        }
        throw new RpcFailure(method, body.error);
      }
      return body.result as T;
    },
  };
}
