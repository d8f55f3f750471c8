/** The few JSON-RPC calls the indexer needs: the chain's identity and the program's accounts for backfill. */
import { ChoirError } from '../../src/errors/index.js';

async function call<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `${method} at ${url} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const body = (await response.json().catch(() => null)) as { result?: T; error?: { message: string } } | null;
  if (!response.ok || !body || body.error || body.result === undefined) {
    throw new ChoirError(
      'SOLANA_RPC_UNAVAILABLE',
      `${method} at ${url} failed: ${body?.error?.message ?? `HTTP ${response.status}`}`,
    );
  }
  return body.result;
}

export const getGenesisHash = (url: string) => call<string>(url, 'getGenesisHash');

export interface ProgramAccount {
  readonly pubkey: string;
  readonly lamports: bigint;
  readonly data: Uint8Array;
}

/** Every account the program owns at `confirmed`, with the slot the snapshot was taken at. */
export async function getProgramAccounts(url: string, programId: string) {
  const result = await call<{
    context: { slot: number };
    value: { pubkey: string; account: { lamports: number; data: [string, string] } }[];
  }>(url, 'getProgramAccounts', [programId, { encoding: 'base64', commitment: 'confirmed', withContext: true }]);
  return {
    slot: BigInt(result.context.slot),
    accounts: result.value.map(
      (v): ProgramAccount => ({
        pubkey: v.pubkey,
        lamports: BigInt(v.account.lamports),
        data: new Uint8Array(Buffer.from(v.account.data[0], 'base64')),
      }),
    ),
  };
}
