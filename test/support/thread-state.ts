/** A thread's state in one comparable shape, from a ThreadStore view or from the server's rows (snapshot). */
import type { MessageEntry, ServerMessage } from '../../src/client/index.js';

function comparableMessage(m: ServerMessage | MessageEntry) {
  const votes = Array.isArray(m.votes)
    ? (m.votes as ServerMessage['votes']).map((v) => [v.voter, v.approve] as const)
    : Object.entries(m.votes as Record<string, boolean>);
  const {
    reason: _r,
    local: _l,
    rollbackReason: _s,
    ...fields
  } = { reason: null, local: undefined, rollbackReason: null, ...m } as MessageEntry & ServerMessage;
  // The server's Message.rollbackReason and the store's reason are the same code.
  const why = m.status !== 'ROLLED_BACK' ? null : 'rollbackReason' in m ? m.rollbackReason : (m as MessageEntry).reason;
  return {
    ...fields,
    reason: why ?? null,
    votes: [...votes].sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

/**
 * Client-only entries (rejected sends) are left out: the server never held them. So are a snapshot's log fields
 * (lastEventCursor, eventCount), which a store keeps as its cursor and sequence instead.
 */
export function comparableState(view: { thread: unknown; messages: readonly (ServerMessage | MessageEntry)[] }) {
  const { lastEventCursor: _c, eventCount: _n, ...thread } = (view.thread ?? {}) as Record<string, unknown>;
  return {
    thread: view.thread === null ? null : thread,
    messages: view.messages
      .filter((m) => (m as MessageEntry).local !== 'rejected')
      .map((m) => comparableMessage(m))
      .sort((a, b) => (a.address < b.address ? -1 : 1)),
  };
}
