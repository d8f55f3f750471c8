/** A message as the API answers it (the client store's ServerMessage): a fresh PENDING one unless `fields` say more. */
import type { ServerMessage } from '../../src/client/store/types.js';

export function serverMessage(
  address: string,
  fields: Partial<ServerMessage> & Pick<ServerMessage, 'threadAddress' | 'author' | 'createdAt'>,
): ServerMessage {
  return {
    address,
    hash: `h-${address}`,
    content: null,
    kind: 'MESSAGE',
    status: 'PENDING',
    chainStatus: null,
    stake: '0',
    expiresAt: null,
    approvals: 0,
    denials: 0,
    commitment: null,
    indexInThread: null,
    rollbackReason: null,
    votes: [],
    ...fields,
  };
}
