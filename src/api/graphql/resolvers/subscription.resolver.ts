/**
 * Subscriptions, each a resumable stream from the process's event hub (see subscriptions/replay-then-live.ts):
 * `threadEvents` and `events` take the cursor of the last event a client saw; `messageStatus` yields a message
 * now and again whenever an event touches it; `notifications` follows the threads the signed-in key co-authors.
 */
import { Arg, Ctx, ID, Root, type SubscribeResolverData, Subscription } from 'type-graphql';
import { ChoirError } from '../../../errors/index.js';
import type { EventType } from '../../../events/types.js';
import type { ApiContext } from '../context.js';
import { createLoaders } from '../loaders/loaders.js';
import { eventSequence } from '../read/cursor.js';
import { lastSequence } from '../read/events.js';
import type { EventRecord, MessageRecord } from '../read/records.js';
import { noDatabase, requireService } from '../services.js';
import { Channel } from '../subscriptions/channel.js';
import { replayThenLive, type StreamFilter } from '../subscriptions/replay-then-live.js';
import { EventTypeEnum } from '../types/enums.js';
import { type EventView, sharedEventView, ThreadEvent } from '../types/events.js';
import { Message } from '../types/message.js';
import { Notification, NotificationKind } from '../types/notification.js';
import { optionalKey, publicKey } from '../validate.js';

type Data = SubscribeResolverData<unknown, Record<string, unknown>, ApiContext>;

function stream(ctx: ApiContext, after: bigint, filter: StreamFilter, measured = true) {
  return replayThenLive({
    hub: requireService(ctx, 'events'),
    // The primary, never the read replica: the hub's NOTIFY comes from the primary, and a replica behind it could
    // replay too little for a resumed subscriber (docs/scaling.md).
    sql: ctx.db ?? noDatabase,
    after,
    filter,
    bufferMax: ctx.settings.subscriptionBuffer,
    ...(measured ? { onLive: (e: EventRecord) => uiUpdate(ctx, e) } : {}),
  });
}

/** `choir_ui_update_seconds`: the event committed (`events.created_at`) → handed to this subscriber's socket. */
function uiUpdate(ctx: ApiContext, e: EventRecord) {
  ctx.metrics?.uiUpdate.observe(Math.max(0, Date.now() - new Date(e.createdAt).getTime()) / 1000);
}

/** Each payload gets fresh loaders: a subscription outlives any one snapshot of the data. */
function refresh(ctx: ApiContext) {
  // The hub dropped what this event changed from the caches before delivering it: they are safe to read here.
  (ctx as { loaders: ApiContext['loaders'] }).loaders = createLoaders(ctx.db ?? noDatabase, undefined, ctx.caches);
}

const NOTIFY: Partial<Record<EventType, NotificationKind>> = {
  ThreadCreated: NotificationKind.ADDED_TO_THREAD,
  CoAuthorAdded: NotificationKind.CO_AUTHOR_ADDED,
  MessageSubmitted: NotificationKind.NEW_MESSAGE,
  MessagePublished: NotificationKind.NEW_MESSAGE,
  SpecSubmitted: NotificationKind.SPEC_TO_VOTE,
  VoteCast: NotificationKind.VOTE,
  SpecApproved: NotificationKind.SPEC_OUTCOME,
  SpecRejected: NotificationKind.SPEC_OUTCOME,
  SpecExpired: NotificationKind.SPEC_OUTCOME,
};

/** Events that may change a message's row (status, commitment, votes, chain status). */
function touches(e: EventRecord, address: string): boolean {
  const p = e.payload as { messageAddress?: unknown; messageAddresses?: unknown };
  if (p.messageAddress === address) return true;
  if (Array.isArray(p.messageAddresses) && p.messageAddresses.includes(address)) return true;
  return e.type === 'Retracted' || e.type === 'Recovered';
}

export class SubscriptionResolver {
  @Subscription(() => ThreadEvent, {
    description: "A thread's events after `after` (a cursor), then live ones: no gap, no duplicate.",
    subscribe: ({ args, context }: Data) => {
      const thread = publicKey('threadAddress', args.threadAddress as string);
      return stream(context, eventSequence(args.after as string | undefined), {
        replay: { threadAddress: thread },
        match: (e) => e.threadAddress === thread,
      });
    },
  })
  threadEvents(
    @Root() event: EventRecord,
    @Arg('threadAddress', () => ID) _threadAddress: string,
    @Arg('after', () => String, { nullable: true }) _after?: string,
  ): EventView {
    return sharedEventView(event);
  }

  @Subscription(() => ThreadEvent, {
    name: 'events',
    description: 'The event log after `after`, then live; optionally some types or one thread.',
    subscribe: ({ args, context }: Data) => {
      const thread = optionalKey('threadAddress', args.threadAddress as string | undefined);
      const types = (args.types as EventType[] | undefined)?.length ? (args.types as EventType[]) : null;
      const typeSet = types ? new Set(types) : null;
      return stream(context, eventSequence(args.after as string | undefined), {
        replay: { threadAddress: thread, types },
        match: (e) => (thread === null || e.threadAddress === thread) && (typeSet === null || typeSet.has(e.type)),
      });
    },
  })
  eventStream(
    @Root() event: EventRecord,
    @Arg('after', () => String, { nullable: true }) _after?: string,
    @Arg('types', () => [EventTypeEnum], { nullable: true }) _types?: EventType[],
    @Arg('threadAddress', () => ID, { nullable: true }) _threadAddress?: string,
  ): EventView {
    return sharedEventView(event);
  }

  @Subscription(() => Message, {
    description: 'The message now, then again each time an event touches it (status, commitment, votes).',
    subscribe: ({ args, context }: Data) => messageUpdates(context, publicKey('address', args.address as string)),
  })
  messageStatus(
    @Root() message: MessageRecord,
    @Ctx() ctx: ApiContext,
    @Arg('address', () => ID) _address: string,
  ): MessageRecord {
    refresh(ctx);
    return message;
  }

  @Subscription(() => Notification, {
    description:
      'For the signed-in key: new messages, specs to vote on, votes and outcomes in the threads it co-authors, and threads it joins. Resumable by cursor.',
    subscribe: ({ args, context }: Data) => notifications(context, eventSequence(args.after as string | undefined)),
  })
  notifications(
    @Root() event: EventRecord,
    @Arg('after', () => String, { nullable: true }) _after?: string,
  ): Notification {
    const view = sharedEventView(event);
    return { kind: NOTIFY[event.type] as NotificationKind, cursor: view.cursor as string, event: view as never };
  }
}

function messageUpdates(ctx: ApiContext, address: string): AsyncIterable<MessageRecord> {
  const sql = ctx.db ?? noDatabase;
  const out = new Channel<MessageRecord>();
  (async () => {
    const tail = await lastSequence(sql);
    const first = await createLoaders(sql).message.load(address);
    if (!first) throw new ChoirError('NOT_FOUND', `no message with address ${address}`, { details: { address } });
    out.push(first);
    let seen = JSON.stringify(first);
    // Measured per message sent (an event that changes nothing sends nothing), not per event.
    const events = stream(
      ctx,
      tail,
      {
        replay: { threadAddress: first.threadAddress },
        match: (e) => e.threadAddress === first.threadAddress && touches(e, address),
      },
      false,
    );
    out.finally(() => void events.return());
    for await (const e of events) {
      const now = await createLoaders(sql).message.load(address);
      if (!now) continue;
      const json = JSON.stringify(now);
      if (json !== seen) {
        seen = json;
        out.push(now);
        uiUpdate(ctx, e);
      }
    }
  })().catch((err) => out.fail(err));
  return out;
}

function notifications(ctx: ApiContext, after: bigint): AsyncIterable<EventRecord> {
  const viewer = ctx.viewer;
  if (viewer?.kind !== 'SESSION') {
    throw new ChoirError(
      'UNAUTHENTICATED',
      'notifications are for a signed-in key: sign in and pass its session token',
    );
  }
  const me = viewer.publicKey;
  const sql = ctx.db ?? noDatabase;
  const out = new Channel<EventRecord>();
  (async () => {
    const { rows } = await sql.query<{ thread_address: string }>(
      'SELECT thread_address FROM thread_co_authors WHERE pubkey = $1',
      [me],
    );
    const threads = new Set(rows.map((r) => r.thread_address));
    const types = Object.keys(NOTIFY) as EventType[];
    const events = stream(ctx, after, {
      replay: { types, threads: [...threads] },
      match: (e) => {
        if (!(e.type in NOTIFY)) return false;
        const p = e.payload as { coAuthors?: unknown; coAuthor?: unknown };
        // Joining a thread is learned live: from then on its events are the viewer's too.
        if (
          (e.type === 'ThreadCreated' && Array.isArray(p.coAuthors) && p.coAuthors.includes(me)) ||
          (e.type === 'CoAuthorAdded' && p.coAuthor === me)
        ) {
          threads.add(e.threadAddress);
        }
        return threads.has(e.threadAddress);
      },
    });
    out.finally(() => void events.return());
    for await (const e of events) out.push(e);
  })().catch((err) => out.fail(err));
  return out;
}
