import type { Ledger } from '../../ledger/ledger.js';

export interface RpcContext {
  readonly ledger: Ledger;
}

export type RpcHandler = (params: unknown[], ctx: RpcContext) => unknown;
export type RpcMethods = Record<string, RpcHandler>;
