/**
 * Every thread to check: those Postgres knows and those the chain holds (a thread missing from Postgres is itself
 * a difference), in a stable order.
 */
import type pg from 'pg';
import { THREAD_ACCOUNT_SIZE } from '../../programs/choir/client/index.js';
import type { RpcClient } from '../chain/rpc-client.js';

export async function listThreads(deps: { pool: pg.Pool; rpc: RpcClient; programId: string }): Promise<string[]> {
  const [rows, accounts] = await Promise.all([
    deps.pool.query<{ address: string }>('SELECT address FROM threads'),
    // dataSlice length 0: only the addresses travel.
    deps.rpc.call<{ pubkey: string }[]>('getProgramAccounts', [
      deps.programId,
      {
        encoding: 'base64',
        commitment: 'confirmed',
        dataSlice: { offset: 0, length: 0 },
        filters: [{ dataSize: THREAD_ACCOUNT_SIZE }],
      },
    ]),
  ]);
  return [...new Set([...rows.rows.map((r) => r.address), ...accounts.map((a) => a.pubkey)])].sort();
}
