/** A thread's state in one comparable shape, from a ThreadStore view or from the server's rows (snapshot). */
import type { MessageEntry, ServerMessage } from '../../src/client/index.js';

function comparableMessage(m: ServerMessage | MessageEntry) {
  const votes = Array.isArray(m.votes)
    ? (m.votes as ServerMessage['votes']).map((v) => [v.voter, v.approve] as const)
    : Object.entries(m.votes as Record<string, boolean>);
  const { reason: _r, local: _l, ...fields } = { reason: null, local: undefined, ...m } as MessageEntry;
  return {
    ...fields,
    votes: [...votes].sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

/** Client-only entries (rejected sends) are left out: the server never held them. */
export function comparableState(view: { thread: unknown; messages: readonly (ServerMessage | MessageEntry)[] }) {
  return {
    thread: view.thread,
    messages: view.messages
      .filter((m) => (m as MessageEntry).local !== 'rejected')
      .map((m) => comparableMessage(m))
      .sort((a, b) => (a.address < b.address ? -1 : 1)),
  };
}
