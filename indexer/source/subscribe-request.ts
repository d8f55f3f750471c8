import { CommitmentLevel, SubscribeRequest } from '@triton-one/yellowstone-grpc';

/**
 * What the indexer asks Geyser for: accounts owned by the program, successful-or-not transactions that mention it,
 * and every slot status, all at `processed` so pending state shows early; `fromSlot` replays from that slot.
 */
export function subscribeRequest(programId: string, fromSlot: bigint | null): SubscribeRequest {
  return SubscribeRequest.fromPartial({
    accounts: { choir: { owner: [programId], account: [], filters: [] } },
    transactions: { choir: { accountInclude: [programId], accountExclude: [], accountRequired: [], vote: false } },
    slots: { slots: { filterByCommitment: false } },
    commitment: CommitmentLevel.PROCESSED,
    fromSlot: fromSlot === null ? undefined : fromSlot.toString(),
  });
}

export const pingRequest = (id: number) => SubscribeRequest.fromPartial({ ping: { id } });
