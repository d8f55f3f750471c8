/** A thread's state in one comparable shape, from a ThreadStore view or from the server's rows (snapshot). */
import type { MessageEntry, ServerMessage } from '../../src/client/index.js';

/**
 * Statuses only the pipeline's silent steps reach (STORED; RECORDED before the chain shows the message) carry no
 * event, so a store sees them only through a read: with `silent`, both compare as the PENDING they follow from.
 */
function visibleStatus(m: { status: string; chainStatus: string | null }) {
  return m.status === 'STORED' || (m.status === 'RECORDED' && m.chainStatus === null) ? 'PENDING' : m.status;
}

function comparableMessage(m: ServerMessage | MessageEntry, silent: boolean) {
  const votes = Array.isArray(m.votes)
    ? (m.votes as ServerMessage['votes']).map((v) => [v.voter, v.approve] as const)
    : Object.entries(m.votes as Record<string, boolean>);
  const { reason: _r, local: _l, ...fields } = { reason: null, local: undefined, ...m } as MessageEntry;
  return {
    ...fields,
    status: silent ? visibleStatus(m) : m.status,
    votes: [...votes].sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

/** Client-only entries (rejected sends) are left out: the server never held them. */
export function comparableState(
  view: { thread: unknown; messages: readonly (ServerMessage | MessageEntry)[] },
  silent = false,
) {
  return {
    thread: view.thread,
    messages: view.messages
      .filter((m) => (m as MessageEntry).local !== 'rejected')
      .map((m) => comparableMessage(m, silent))
      .sort((a, b) => (a.address < b.address ? -1 : 1)),
  };
}
