import type { ClassType } from 'type-graphql';
import { connectionType } from './connection.js';
import { ThreadEvent } from './events.js';
import { Message } from './message.js';
import { Thread } from './thread.js';

export const ThreadConnection = connectionType(Thread, 'Thread');
export type ThreadConnection = InstanceType<typeof ThreadConnection>;
export const MessageConnection = connectionType(Message, 'Message');
export type MessageConnection = InstanceType<typeof MessageConnection>;
export const EventConnection = connectionType(ThreadEvent as unknown as ClassType<ThreadEvent>, 'ThreadEvent');
export type EventConnection = InstanceType<typeof EventConnection>;
