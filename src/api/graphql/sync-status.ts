/**
 * `syncStatus(threadAddress)`: the consistency check of src/consistency (`syncThread`) on the parts the service
 * already runs. Built here so the stack passes its parts in one line.
 */
import { CHOIR_PROGRAM_ID } from '../../../programs/choir/client/index.js';
import type { RpcClient } from '../../chain/rpc-client.js';
import { type SyncDeps, type SyncReport, syncThread } from '../../consistency/index.js';

export type SyncStatusService = (threadAddress: string) => Promise<SyncReport>;

export function syncStatusService(deps: Omit<SyncDeps, 'programId' | 'rpc'> & { rpc: RpcClient }): SyncStatusService {
  const full: SyncDeps = { ...deps, programId: CHOIR_PROGRAM_ID.toBase58() };
  return (threadAddress) => syncThread(full, threadAddress);
}
