/**
 * How one event changes a thread's state, mirroring the server's write rules (src/pipeline, indexer/write) so that
 * the store's state equals the API's after the same events. Pure: no I/O, no clock.
 *
 * Every rule depends only on the event and the current value it changes, and is written so that replaying events
 * the state already reflects converges to the same result (a status only moves forward along the pipeline, a
 * MessageSubmitted only revives a rolled-back message, votes are keyed by voter, co-authors by position). The store
 * leans on that whenever it replaces an entry with a fresher server read and replays the events that arrived in
 * the meantime (thread-store.ts); the property test checks it.
 *
 * What events do not carry (content, balance, counts, the content root) is left to server reads: `effects` says
 * which entities to re-read, and which events make the state unknowable (Retracted, Recovered: reload).
 */
import type { Commitment } from '../generated/graphql.js';
import { type MessageEntry, type ServerMessage, STATUS_RANK, type ThreadEvent, type ThreadHeader } from './types.js';

export interface StoreState {
  thread: ThreadHeader | null;
  messages: Map<string, MessageEntry>;
}

export interface Effects {
  /** The state cannot follow from events alone: reload it from the API (the event's type is the reason). */
  reload: string | null;
  /** Messages whose content or other unreported fields must be read from the API. */
  hydrate: string[];
  /** The thread's own fields the events do not carry (balance, counts, content root) may have changed. */
  refreshHeader: boolean;
}

const COMMITMENT_RANK: Record<Commitment, number> = { PROCESSED: 0, CONFIRMED: 1, FINALIZED: 2 };

export const ZERO_ROOT = '0'.repeat(64);

/** A message known only by what its first event (or the user's own submission) says: the rest at its defaults. */
export function blankMessage(address: string, threadAddress: string, hash: string, author: string, createdAt: string) {
  const entry: MessageEntry = {
    address,
    hash,
    threadAddress,
    author,
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
    createdAt,
    votes: {},
    reason: null,
  };
  return entry;
}

/** The message an event is about, or null for thread-level events (CommitmentChanged names several). */
export function eventMessage(e: ThreadEvent): string | null {
  switch (e.__typename) {
    case 'MessageSubmitted':
    case 'MessageStored':
    case 'MessageRecorded':
    case 'MessagePublished':
    case 'SpecSubmitted':
    case 'MessageRolledBack':
    case 'VoteCast':
    case 'SpecApproved':
    case 'SpecRejected':
    case 'SpecExpired':
      return e.messageAddress;
    default:
      return null;
  }
}

/** Messages an event changes (several for CommitmentChanged). */
export function touchedMessages(e: ThreadEvent): readonly string[] {
  if (e.__typename === 'CommitmentChanged') return e.messageAddresses;
  const one = eventMessage(e);
  return one ? [one] : [];
}

/**
 * The message after `e`, given the message before it (undefined: unknown to the store). Returns the entry
 * unchanged when the event does not change it; `created` says the store had to make the entry up from the event
 * (its content and other fields are still to be read).
 */
export function applyToMessage(
  before: MessageEntry | undefined,
  e: ThreadEvent,
  address: string,
): { entry: MessageEntry | undefined; created: boolean } {
  const ensure = (hash: string, author: string) =>
    before ?? blankMessage(address, e.threadAddress, hash, author, e.createdAt);
  switch (e.__typename) {
    case 'MessageSubmitted': {
      const m = ensure(e.contentHash, e.submittedBy ?? '');
      // The server only revives a rolled-back message; any other status stays (a re-sent copy of the content).
      const entry = m.status === 'ROLLED_BACK' ? { ...m, status: 'PENDING' as const, reason: null } : m;
      return { entry, created: !before };
    }
    case 'MessageStored':
    case 'MessageRecorded': {
      const m = ensure(e.contentHash, '');
      // The pipeline moves only rows still short of the step (src/pipeline/status-step.ts): PENDING → STORED,
      // PENDING/STORED → RECORDED. A rolled-back or further row stays.
      const from = e.__typename === 'MessageStored' ? ['PENDING'] : ['PENDING', 'STORED'];
      if (!from.includes(m.status)) return { entry: m, created: !before };
      return { entry: { ...m, status: e.status }, created: !before };
    }
    case 'MessagePublished':
    case 'SpecSubmitted': {
      const m = ensure(e.contentHash, e.author);
      const spec = e.__typename === 'SpecSubmitted';
      // Once the chain shows a message it is RECORDED, rolled back or not; CONFIRMED/FINALIZED only move by commitment.
      const status = m.status === 'CONFIRMED' || m.status === 'FINALIZED' ? m.status : 'RECORDED';
      return {
        entry: {
          ...m,
          author: e.author,
          kind: spec ? 'SPEC' : 'MESSAGE',
          chainStatus: spec ? 'PENDING' : 'PUBLISHED',
          stake: spec ? e.stake : m.stake,
          expiresAt: spec ? e.expiresAt : m.expiresAt,
          status,
          indexInThread: e.index ?? m.indexInThread,
          reason: status === 'RECORDED' ? null : m.reason,
          commitment: m.commitment ?? 'PROCESSED',
        },
        created: !before,
      };
    }
    case 'MessageRolledBack': {
      const m = ensure('', '');
      // The server rolls back only what the chain has not recorded.
      if (m.status !== 'PENDING' && m.status !== 'STORED') return { entry: m, created: !before };
      return { entry: { ...m, status: 'ROLLED_BACK', reason: e.reason ?? 'ROLLED_BACK' }, created: !before };
    }
    case 'VoteCast': {
      const m = ensure('', '');
      if (m.votes[e.voter] === e.approve) return { entry: m, created: !before };
      const votes = { ...m.votes, [e.voter]: e.approve };
      const cast = Object.values(votes);
      const approvals = cast.filter(Boolean).length;
      return { entry: { ...m, votes, approvals, denials: cast.length - approvals }, created: !before };
    }
    case 'SpecApproved':
    case 'SpecRejected':
    case 'SpecExpired': {
      const m = ensure('', '');
      const chainStatus =
        e.__typename === 'SpecApproved' ? 'APPROVED' : e.__typename === 'SpecRejected' ? 'REJECTED' : 'EXPIRED';
      return { entry: { ...m, chainStatus, approvals: e.approvals, denials: e.denials }, created: !before };
    }
    case 'CommitmentChanged': {
      if (!before) return { entry: undefined, created: false };
      const level = e.commitment;
      if (before.commitment !== null && COMMITMENT_RANK[before.commitment] >= COMMITMENT_RANK[level]) {
        return { entry: before, created: false };
      }
      // CONFIRMED promotes PENDING/STORED/RECORDED; FINALIZED promotes those and CONFIRMED; ROLLED_BACK stays.
      const target = level === 'FINALIZED' ? 'FINALIZED' : level === 'CONFIRMED' ? 'CONFIRMED' : null;
      const promote =
        target !== null && before.status !== 'ROLLED_BACK' && STATUS_RANK[before.status] < STATUS_RANK[target];
      const status = promote ? target : before.status;
      return { entry: { ...before, commitment: level, status }, created: false };
    }
    default:
      return { entry: before, created: false };
  }
}

/** The thread's header after `e` (null: the thread is not known yet). */
export function applyToHeader(before: ThreadHeader | null, e: ThreadEvent): ThreadHeader | null {
  switch (e.__typename) {
    case 'ThreadCreated':
      return {
        address: e.threadAddress,
        title: null,
        messageCount: 0,
        specCount: 0,
        balance: '0',
        contentRoot: ZERO_ROOT,
        commitment: 'PROCESSED',
        createdAt: e.createdAt,
        ...before,
        threadId: e.threadId,
        creator: e.creator,
        coAuthors: e.coAuthors,
        minStake: e.minStake,
        specLifetime: e.specLifetime,
      };
    case 'CoAuthorAdded': {
      if (!before || before.coAuthors[e.position] === e.coAuthor) return before;
      const coAuthors = [...before.coAuthors];
      coAuthors[e.position] = e.coAuthor;
      return { ...before, coAuthors };
    }
    case 'CommitmentChanged':
      if (!before || !e.threadChanged || COMMITMENT_RANK[before.commitment] >= COMMITMENT_RANK[e.commitment]) {
        return before;
      }
      return { ...before, commitment: e.commitment };
    default:
      return before;
  }
}

/** Events after which the thread's unreported fields (balance, counts, content root) may differ. */
const HEADER_EVENTS = new Set<ThreadEvent['__typename']>([
  'ThreadCreated',
  'CoAuthorAdded',
  'MessagePublished',
  'SpecSubmitted',
  'SpecApproved',
  'SpecRejected',
  'SpecExpired',
  'Divested',
]);

/** Applies `e` to `state` in place and says what the store must do next. */
export function applyEvent(state: StoreState, e: ThreadEvent): Effects {
  const effects: Effects = { reload: null, hydrate: [], refreshHeader: HEADER_EVENTS.has(e.__typename) };
  if (e.__typename === 'Retracted' || e.__typename === 'Recovered') {
    effects.reload = e.__typename;
    return effects;
  }
  state.thread = applyToHeader(state.thread, e);
  for (const address of touchedMessages(e)) {
    const before = state.messages.get(address);
    const { entry, created } = applyToMessage(before, e, address);
    if (entry === undefined) {
      // A commitment change of a message the store never saw (an on-chain message it missed): read it.
      effects.hydrate.push(address);
      continue;
    }
    if (entry !== before) state.messages.set(address, entry);
    // Content and the fields only the server knows are read once for messages the events made up.
    if (created || (entry.content === null && e.__typename === 'MessageSubmitted')) effects.hydrate.push(address);
  }
  return effects;
}

/** The entry for a message as the server returned it (a fresh read replaces the whole entry). */
export function fromServer(m: ServerMessage, previous?: MessageEntry): MessageEntry {
  const votes: Record<string, boolean> = {};
  for (const v of m.votes) votes[v.voter] = v.approve;
  // The server's reason (Message.rollbackReason); an older API without it: the one the event or the mutation gave.
  const reason = m.status === 'ROLLED_BACK' ? (m.rollbackReason ?? previous?.reason ?? 'ROLLED_BACK') : null;
  const { votes: _votes, rollbackReason: _reason, ...fields } = m;
  return { ...fields, votes, reason };
}
