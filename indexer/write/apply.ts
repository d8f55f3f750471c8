/**
 * The pure core of the indexer: applies decoded account and transaction updates, in stream order, to the rows
 * they touch, and derives what changed — rows to write, events (in causal order), undo images for fork rollback
 * and vector-store payload work. No I/O: `load-state.ts` reads the rows first, `write-rows.ts` writes the result.
 *
 * Idempotent by (account, slot, write_version): an update no newer than the row it targets changes nothing and
 * emits nothing, so replaying any stretch of the stream is a no-op.
 */
import type { EventType, NewEvent } from '../../src/events/index.js';
import type { OutboxEntry } from '../../src/pipeline/outbox/index.js';
import type { AccountUpdate, TransactionUpdate } from '../decode/types.js';
import {
  fromMessageAccount,
  fromThreadAccount,
  isNewer,
  type MessageRow,
  type Provenance,
  type ThreadRow,
  type VoteRow,
  voteKey,
} from './rows.js';

/** The rows a segment of updates may touch, as stored before it. */
export interface LoadedState {
  readonly threads: Map<string, ThreadRow>;
  /** By record address (the message's identity; a content hash is unique only within its thread). */
  readonly messages: Map<string, MessageRow>;
  /** `${signature}:${instructionIndex}` of Divested events already in the log. */
  readonly divested: Set<string>;
  /** Slots already known to be dead: their updates are never applied again. */
  readonly deadSlots: Set<string>;
  /** Changes at or below this slot are final: no undo image needed. */
  readonly finalizedSlot: bigint | null;
  /** Changes at or below this slot are written as CONFIRMED (backfill, or replays behind the confirmed slot). */
  readonly confirmedSlot: bigint | null;
}

export type UndoTable = 'threads' | 'messages' | 'votes';

export interface UndoEntry {
  readonly slot: string;
  readonly table: UndoTable;
  readonly key: string;
  /** The row before the slot first changed it; null when it did not exist. */
  readonly image: ThreadRow | MessageRow | VoteRow | null;
}

export interface ApplyResult {
  readonly threads: ThreadRow[];
  /** The threads among `threads` whose co-author rows changed (the list, or an entitlement or withdrawn amount). */
  readonly coAuthorChanges: ThreadRow[];
  readonly messages: MessageRow[];
  readonly votes: VoteRow[];
  readonly events: NewEvent[];
  readonly undo: UndoEntry[];
  readonly outbox: OutboxEntry[];
  /** Updates skipped because their thread is unknown (a message before its thread). */
  readonly orphans: number;
  readonly applied: number;
}

export const VECTOR_PAYLOAD_KIND = 'vector.payload';

/** Outbox payload for the vector-store worker: a patch and whom it applies to. */
export type VectorPayloadWork =
  | { readonly messageAddresses: string[]; readonly patch: { status: string; slot: number } }
  | { readonly threadId: string; readonly patch: { co_authors: string[] } };

export function messageWork(m: Pick<MessageRow, 'address' | 'status' | 'slot'>): OutboxEntry {
  return {
    kind: VECTOR_PAYLOAD_KIND,
    key: `message:${m.address}`,
    payload: { messageAddresses: [m.address], patch: { status: m.status, slot: Number(m.slot ?? 0) } },
  };
}

export function coAuthorsWork(t: { address: string; coAuthors: string[] }): OutboxEntry {
  return {
    kind: VECTOR_PAYLOAD_KIND,
    key: `thread:${t.address}`,
    payload: { threadId: t.address, patch: { co_authors: t.coAuthors } },
  };
}

function commitmentAt(slot: bigint, state: LoadedState): Provenance['commitment'] {
  if (state.finalizedSlot !== null && slot <= state.finalizedSlot) return 'FINALIZED';
  if (state.confirmedSlot !== null && slot <= state.confirmedSlot) return 'CONFIRMED';
  return 'PROCESSED';
}

/**
 * An event an account update caused, with that update's provenance. One literal: spreading a provenance object into
 * an event (`{ ...at, threadAddress, … }`) took V8's slow path on this hot path.
 */
function accountEvent(
  u: AccountUpdate,
  threadAddress: string,
  type: EventType,
  payload: NewEvent['payload'],
): NewEvent {
  return {
    threadAddress,
    type,
    payload,
    slot: u.slot,
    txSignature: u.txSignature,
    instructionIndex: u.instructionIndex,
  };
}

export function applyUpdates(state: LoadedState, updates: readonly (AccountUpdate | TransactionUpdate)[]): ApplyResult {
  const threads = new Map<string, ThreadRow>();
  const coAuthorChanged = new Set<string>();
  const messages = new Map<string, MessageRow>();
  const votes = new Map<string, VoteRow>();
  const events: NewEvent[] = [];
  const undo = new Map<string, UndoEntry>();
  const outbox: OutboxEntry[] = [];
  let orphans = 0;
  let applied = 0;

  const thread = (address: string) => threads.get(address) ?? state.threads.get(address);
  const message = (address: string) => messages.get(address) ?? state.messages.get(address);
  const remember = (slot: string, table: UndoTable, key: string, image: UndoEntry['image']) => {
    if (state.finalizedSlot !== null && BigInt(slot) <= state.finalizedSlot) return;
    const id = `${slot}|${table}|${key}`;
    // Rows are never mutated in place (each change builds a new object), so the image can be shared.
    if (!undo.has(id)) undo.set(id, { slot, table, key, image });
  };

  for (const u of updates) {
    if (state.deadSlots.has(u.slot.toString())) continue;
    if (u.kind === 'transaction') {
      if (u.failed) continue;
      for (const { index, instruction } of u.instructions) {
        if (instruction.name !== 'divest') continue;
        const id = `${u.signature}:${index}`;
        if (state.divested.has(id)) continue;
        state.divested.add(id);
        const threadAddress = instruction.accounts.thread;
        events.push({
          threadAddress,
          type: 'Divested',
          payload: {
            coAuthor: instruction.accounts.coAuthor,
            amount: (-(u.balanceDeltas.get(threadAddress) ?? 0n)).toString(),
          },
          slot: u.slot,
          txSignature: u.signature,
          instructionIndex: index,
        });
        applied++;
      }
      continue;
    }

    const p: Provenance = {
      slot: u.slot.toString(),
      writeVersion: u.writeVersion.toString(),
      txSignature: u.txSignature,
      instructionIndex: u.instructionIndex,
      commitment: commitmentAt(u.slot, state),
    };

    if (u.account.kind === 'thread') {
      const before = thread(u.pubkey);
      if (before && !isNewer(u.slot, u.writeVersion, before)) continue;
      const after = fromThreadAccount(u.pubkey, u.account, u.lamports, p, before);
      remember(p.slot, 'threads', u.pubkey, before ?? null);
      threads.set(u.pubkey, after);
      applied++;
      if (!before) {
        events.push(
          accountEvent(u, u.pubkey, 'ThreadCreated', {
            threadId: after.threadId,
            creator: after.creator,
            coAuthors: after.coAuthors,
            minStake: after.minStake,
            specLifetime: after.specLifetime,
          }),
        );
      } else {
        for (let i = before.coAuthors.length; i < after.coAuthors.length; i++) {
          events.push(accountEvent(u, u.pubkey, 'CoAuthorAdded', { coAuthor: after.coAuthors[i], position: i }));
        }
      }
      if (!before || before.coAuthors.join() !== after.coAuthors.join()) {
        coAuthorChanged.add(u.pubkey);
        outbox.push(coAuthorsWork(after));
      } else if (
        before.coAuthorWithdrawn?.join() !== after.coAuthorWithdrawn.join() ||
        before.coAuthorEntitlements?.join() !== after.coAuthorEntitlements.join()
      ) {
        coAuthorChanged.add(u.pubkey); // amounts only: the rows change, the vector store's co-author list does not
      }
      continue;
    }

    const owner = thread(u.account.thread);
    if (!owner) {
      orphans++;
      continue;
    }
    const address = u.pubkey;
    const before = message(address);
    if (before && !isNewer(u.slot, u.writeVersion, before)) continue;
    const after = fromMessageAccount(address, u.account, p, before);
    const hash = after.contentHash;
    remember(p.slot, 'messages', address, before ?? null);
    messages.set(address, after);
    applied++;
    const onChainBefore = before?.slot != null;
    if (!onChainBefore) {
      const common = { messageAddress: address, contentHash: hash, author: after.author, index: after.indexInThread };
      events.push(
        after.kind === 'SPEC'
          ? accountEvent(u, after.threadAddress, 'SpecSubmitted', {
              ...common,
              stake: after.stake,
              expiresAt: after.expiresAt,
            })
          : accountEvent(u, after.threadAddress, 'MessagePublished', common),
      );
    }
    const oldApprove = onChainBefore ? (before?.approveBitmap ?? 0) : 0;
    const oldDeny = onChainBefore ? (before?.denyBitmap ?? 0) : 0;
    for (let i = 0; i < owner.coAuthors.length; i++) {
      const bit = 1 << i;
      const approve = (after.approveBitmap & bit) !== 0 && (oldApprove & bit) === 0;
      const deny = (after.denyBitmap & bit) !== 0 && (oldDeny & bit) === 0;
      if (!approve && !deny) continue;
      const voter = owner.coAuthors[i] as string;
      const vote: VoteRow = {
        messageAddress: address,
        voter,
        approve,
        slot: p.slot,
        txSignature: p.txSignature,
        instructionIndex: p.instructionIndex,
        commitment: p.commitment,
      };
      const key = voteKey(vote);
      remember(p.slot, 'votes', key, votes.get(key) ?? null);
      votes.set(key, vote);
      events.push(
        accountEvent(u, after.threadAddress, 'VoteCast', {
          messageAddress: address,
          contentHash: hash,
          voter,
          position: i,
          approve,
        }),
      );
    }
    const oldStatus = onChainBefore ? before?.chainStatus : 'PENDING';
    if (after.chainStatus !== oldStatus) {
      const type =
        after.chainStatus === 'APPROVED'
          ? 'SpecApproved'
          : after.chainStatus === 'REJECTED'
            ? 'SpecRejected'
            : after.chainStatus === 'EXPIRED'
              ? 'SpecExpired'
              : null;
      if (type) {
        events.push(
          accountEvent(u, after.threadAddress, type, {
            messageAddress: address,
            contentHash: hash,
            approvals: after.approvals,
            denials: after.denials,
          }),
        );
      }
    }
    if (after.hasContent && (before?.status !== after.status || before?.slot !== after.slot)) {
      outbox.push(messageWork(after));
    }
  }

  return {
    threads: [...threads.values()],
    coAuthorChanges: [...threads.values()].filter((t) => coAuthorChanged.has(t.address)),
    messages: [...messages.values()],
    votes: [...votes.values()],
    events,
    undo: [...undo.values()],
    outbox,
    orphans,
    applied,
  };
}
