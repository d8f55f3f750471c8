/** The event log's vocabulary: what happened to a thread, in causal order. Mirrors the `event_type` enum. */
export const EVENT_TYPES = [
  'ThreadCreated',
  'CoAuthorAdded',
  'MessageSubmitted',
  // The pipeline's own steps (src/pipeline/message-worker.ts): the vector is stored; the relayed transaction
  // landed before the indexer saw it (MessagePublished moves RECORDED otherwise).
  'MessageStored',
  'MessageRecorded',
  'MessagePublished',
  'MessageRolledBack',
  'SpecSubmitted',
  'VoteCast',
  'SpecApproved',
  'SpecRejected',
  'SpecExpired',
  'Divested',
  'CommitmentChanged',
  'Retracted',
  'Recovered',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event to append. Payloads are JSON: bigints must already be strings. */
export interface NewEvent {
  readonly threadAddress: string;
  readonly type: EventType;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly slot?: bigint | null;
  readonly txSignature?: string | null;
  readonly instructionIndex?: number | null;
}

export interface AppendedEvent extends NewEvent {
  /** Global position, gap-free and increasing in commit order. */
  readonly sequence: bigint;
  /** Position within the thread, gap-free from 1. */
  readonly threadSequence: bigint;
}

export interface StoredEvent extends AppendedEvent {
  readonly createdAt: Date;
}
