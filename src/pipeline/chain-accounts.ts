/** Which of the given accounts exist on chain (processed), in pages of the RPC's 100-key limit. */
import type { RpcClient } from '../chain/rpc-client.js';

const PAGE = 100;

export async function accountsExist(rpc: RpcClient, addresses: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < addresses.length; i += PAGE) {
    const page = addresses.slice(i, i + PAGE);
    const { value } = await rpc.call<{ value: ({ lamports: number } | null)[] }>('getMultipleAccounts', [
      page,
      { commitment: 'processed', encoding: 'base64' },
    ]);
    value.forEach((account, j) => {
      if (account && account.lamports > 0) found.add(page[j] as string);
    });
  }
  return found;
}

/** One account's data (base64-decoded), or null. */
export async function accountData(rpc: RpcClient, address: string): Promise<Uint8Array | null> {
  const { value } = await rpc.call<{ value: { data: [string, string]; lamports: number } | null }>('getAccountInfo', [
    address,
    { commitment: 'processed', encoding: 'base64' },
  ]);
  if (!value || value.lamports === 0) return null;
  return Buffer.from(value.data[0], 'base64');
}
