import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ThreadEvent } from './events.js';

export enum NotificationKind {
  NEW_MESSAGE = 'NEW_MESSAGE',
  SPEC_TO_VOTE = 'SPEC_TO_VOTE',
  VOTE = 'VOTE',
  SPEC_OUTCOME = 'SPEC_OUTCOME',
  ADDED_TO_THREAD = 'ADDED_TO_THREAD',
  CO_AUTHOR_ADDED = 'CO_AUTHOR_ADDED',
}
registerEnumType(NotificationKind, { name: 'NotificationKind', description: 'Why the viewer is notified.' });

@ObjectType({ description: 'Something in a thread the viewer co-authors.' })
export class Notification {
  @Field(() => NotificationKind)
  kind!: NotificationKind;
  @Field(() => String, { description: 'Resume notifications after this one.' })
  cursor!: string;
  @Field(() => ThreadEvent)
  event!: ThreadEvent;
}
