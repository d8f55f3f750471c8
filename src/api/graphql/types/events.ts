/**
 * The event log in GraphQL: the `ThreadEvent` interface (position, thread, provenance) implemented by one object
 * type per event type, each with its payload as typed fields. `toEventView` turns a stored row into the object the
 * types read; `payload` keeps the raw JSON for fields a client of an older schema does not know.
 */
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Int, InterfaceType, ObjectType } from 'type-graphql';
import type { EventType } from '../../../events/types.js';
import { eventCursor } from '../read/cursor.js';
import type { EventRecord } from '../read/records.js';
import { Commitment, MessageStatus } from './enums.js';
import { BigIntScalar, DateTimeScalar } from './scalars.js';

export interface EventView extends Record<string, unknown> {
  type: EventType;
}

@InterfaceType('ThreadEvent', {
  description: 'Something that happened to a thread, in causal order.',
  resolveType: (value: EventView) => value.type,
})
export abstract class ThreadEvent {
  @Field(() => String, { description: 'Resume a subscription or page after this event.' })
  cursor!: string;
  @Field(() => BigIntScalar, { description: 'Global position in the log (commit order).' })
  sequence!: string;
  @Field(() => BigIntScalar, { description: "Position in the thread's own log." })
  threadSequence!: string;
  @Field(() => String)
  threadAddress!: string;
  @Field(() => BigIntScalar, { nullable: true, description: 'Slot of the chain change that caused it.' })
  slot!: string | null;
  @Field(() => String, { nullable: true, description: 'Transaction that caused it.' })
  signature!: string | null;
  @Field(() => DateTimeScalar)
  createdAt!: string;
  @Field(() => GraphQLJSONObject, { description: 'The raw payload.' })
  payload!: Record<string, unknown>;
}

@ObjectType({ implements: ThreadEvent })
export class ThreadCreated extends ThreadEvent {
  @Field(() => String) threadId!: string;
  @Field(() => String) creator!: string;
  @Field(() => [String]) coAuthors!: string[];
  @Field(() => BigIntScalar) minStake!: string;
  @Field(() => BigIntScalar) specLifetime!: string;
}

@ObjectType({ implements: ThreadEvent })
export class CoAuthorAdded extends ThreadEvent {
  @Field(() => String) coAuthor!: string;
  @Field(() => Int) position!: number;
}

@ObjectType({ implements: ThreadEvent, description: 'The backend accepted a message (status PENDING).' })
export class MessageSubmitted extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => String, { nullable: true }) author!: string | null;
}

@ObjectType({
  implements: ThreadEvent,
  description: "The pipeline stored the message's vector (status STORED): it is searchable.",
})
export class MessageStored extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => MessageStatus, { description: 'The status the message moved to.' }) status!: MessageStatus;
}

@ObjectType({
  implements: ThreadEvent,
  description:
    "The pipeline's relayed transaction holding the message landed before the indexer saw it (status RECORDED; " +
    'MessagePublished follows with the on-chain fields).',
})
export class MessageRecorded extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => MessageStatus, { description: 'The status the message moved to.' }) status!: MessageStatus;
}

@ObjectType({ implements: ThreadEvent, description: 'The chain recorded a message.' })
export class MessagePublished extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => String) author!: string;
  @Field(() => Int, { nullable: true }) index!: number | null;
}

@ObjectType({ implements: ThreadEvent })
export class MessageRolledBack extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String, { nullable: true }) contentHash!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType({ implements: ThreadEvent })
export class SpecSubmitted extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => String) author!: string;
  @Field(() => Int, { nullable: true }) index!: number | null;
  @Field(() => BigIntScalar) stake!: string;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt!: string | null;
}

@ObjectType({ implements: ThreadEvent })
export class VoteCast extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => String) voter!: string;
  @Field(() => Int) position!: number;
  @Field(() => Boolean) approve!: boolean;
}

@ObjectType({ implements: ThreadEvent })
export class SpecApproved extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => Int) approvals!: number;
  @Field(() => Int) denials!: number;
}

@ObjectType({ implements: ThreadEvent })
export class SpecRejected extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => Int) approvals!: number;
  @Field(() => Int) denials!: number;
}

@ObjectType({ implements: ThreadEvent })
export class SpecExpired extends ThreadEvent {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => Int) approvals!: number;
  @Field(() => Int) denials!: number;
}

@ObjectType({ implements: ThreadEvent })
export class Divested extends ThreadEvent {
  @Field(() => String) coAuthor!: string;
  @Field(() => BigIntScalar, { description: 'Lamports paid out.' }) amount!: string;
}

@ObjectType({ implements: ThreadEvent, description: 'Rows a slot changed reached a higher commitment.' })
export class CommitmentChanged extends ThreadEvent {
  @Field(() => Commitment) commitment!: Commitment;
  @Field(() => Boolean, { description: 'The thread account itself changed in that slot.' }) threadChanged!: boolean;
  @Field(() => [String]) messageAddresses!: string[];
  @Field(() => [String]) contentHashes!: string[];
}

@ObjectType({ implements: ThreadEvent, description: 'A fork dropped the slot of an earlier event: undo it.' })
export class Retracted extends ThreadEvent {
  @Field(() => BigIntScalar) retractedSequence!: string;
  @Field(() => String) retractedType!: string;
}

@ObjectType({ implements: ThreadEvent, description: 'Repair restored an invariant (sync, reconcile, rollback).' })
export class Recovered extends ThreadEvent {
  @Field(() => String, { nullable: true }) messageAddress!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

export const EVENT_OBJECT_TYPES = [
  ThreadCreated,
  CoAuthorAdded,
  MessageSubmitted,
  MessageStored,
  MessageRecorded,
  MessagePublished,
  MessageRolledBack,
  SpecSubmitted,
  VoteCast,
  SpecApproved,
  SpecRejected,
  SpecExpired,
  Divested,
  CommitmentChanged,
  Retracted,
  Recovered,
] as const;

/**
 * Views of events delivered live: the hub hands one record to every subscriber, and 10,000 subscribers of a thread
 * then share one view instead of building 10,000 (keyed by the record, so a view lives as long as its record).
 */
const shared = new WeakMap<EventRecord, EventView>();

/** `toEventView`, shared by every subscriber that receives the same record. */
export function sharedEventView(e: EventRecord): EventView {
  let view = shared.get(e);
  if (!view) {
    view = toEventView(e);
    shared.set(e, view);
  }
  return view;
}

/** The object an event type reads: payload fields first, then the log's own fields (which win on a clash). */
export function toEventView(e: EventRecord): EventView {
  const p = e.payload as Record<string, unknown>;
  const view: EventView = { ...p, type: e.type };
  if (e.type === 'Retracted') {
    view.retractedSequence = p.sequence;
    view.retractedType = p.type;
  } else if (e.type === 'CommitmentChanged') {
    view.threadChanged = p.thread === true;
  }
  view.cursor = eventCursor(e.sequence);
  view.sequence = e.sequence.toString();
  view.threadSequence = e.threadSequence.toString();
  view.threadAddress = e.threadAddress;
  view.slot = e.slot === null || e.slot === undefined ? null : e.slot.toString();
  view.signature = e.txSignature;
  view.createdAt = e.createdAt instanceof Date ? e.createdAt.toISOString() : e.createdAt;
  view.payload = p;
  return view;
}
