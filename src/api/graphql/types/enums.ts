import { registerEnumType } from 'type-graphql';
import { EVENT_TYPES } from '../../../events/types.js';

export enum MessageKind {
  MESSAGE = 'MESSAGE',
  SPEC = 'SPEC',
}
export enum MessageStatus {
  PENDING = 'PENDING',
  STORED = 'STORED',
  RECORDED = 'RECORDED',
  CONFIRMED = 'CONFIRMED',
  FINALIZED = 'FINALIZED',
  ROLLED_BACK = 'ROLLED_BACK',
}
export enum ChainMessageStatus {
  PUBLISHED = 'PUBLISHED',
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
}
export enum Commitment {
  PROCESSED = 'PROCESSED',
  CONFIRMED = 'CONFIRMED',
  FINALIZED = 'FINALIZED',
}
export enum ListOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  OLDEST_FIRST = 'OLDEST_FIRST',
}
/** The event log's types, one GraphQL enum value each (same spelling as `event_type`). */
export const EventTypeEnum = Object.fromEntries(EVENT_TYPES.map((t) => [t, t])) as {
  [K in (typeof EVENT_TYPES)[number]]: K;
};
export enum CredentialKind {
  SESSION = 'SESSION',
  API_KEY = 'API_KEY',
}

registerEnumType(MessageKind, {
  name: 'MessageKind',
  description: 'A plain message, or a staked spec co-authors vote on.',
});
registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  description:
    "The backend pipeline's view: submitted → stored → recorded on chain → confirmed → finalized, or rolled back.",
});
registerEnumType(ChainMessageStatus, {
  name: 'ChainMessageStatus',
  description: "The program's status of the Message account.",
});
registerEnumType(Commitment, { name: 'Commitment', description: 'How final the chain data a value came from is.' });
registerEnumType(ListOrder, { name: 'ListOrder', description: 'Creation order of a list.' });
registerEnumType(EventTypeEnum, { name: 'EventType', description: 'The event log vocabulary.' });
registerEnumType(CredentialKind, { name: 'CredentialKind', description: 'How the caller authenticated.' });
