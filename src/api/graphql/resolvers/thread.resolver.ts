import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { EventType } from '../../../events/types.js';
import type { ApiContext } from '../context.js';
import { eventPage } from '../read/events.js';
import type { ThreadRecord } from '../read/records.js';
import { threadPage } from '../read/threads.js';
import { EventConnection, MessageConnection, ThreadConnection } from '../types/connections.js';
import { EventTypeEnum, ListOrder, MessageKind, MessageStatus } from '../types/enums.js';
import { toEventView } from '../types/events.js';
import { Thread } from '../types/thread.js';
import { optionalKey, pageSize, publicKey } from '../validate.js';

/** Complexity of a list field: its page size times the cost of what each node selects. */
export const listComplexity = ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) =>
  1 + (args.first ?? 20) * Math.max(1, childComplexity);

@Resolver(() => Thread)
export class ThreadResolver {
  @Query(() => Thread, { nullable: true, description: 'A thread by its address.' })
  thread(@Arg('address', () => ID) address: string, @Ctx() ctx: ApiContext): Promise<ThreadRecord | null> {
    return ctx.loaders.thread.load(publicKey('address', address));
  }

  @Query(() => ThreadConnection, { complexity: listComplexity, description: 'Threads, newest first by default.' })
  async threads(
    @Ctx() ctx: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('coAuthor', () => String, { nullable: true, description: 'Only threads this key co-authors.' })
    coAuthor?: string,
    @Arg('creator', () => String, { nullable: true }) creator?: string,
    @Arg('orderBy', () => ListOrder, { nullable: true }) orderBy?: ListOrder,
  ): Promise<ThreadConnection> {
    const page = await threadPage(ctx.loaders.sql, {
      first: pageSize(first, 20, ctx.settings.maxPageSize),
      after,
      coAuthor: optionalKey('coAuthor', coAuthor),
      creator: optionalKey('creator', creator),
      orderBy: orderBy ?? ListOrder.NEWEST_FIRST,
    });
    for (const t of page.items) ctx.loaders.thread.prime(t.address, t);
    return new ThreadConnection(page);
  }

  @FieldResolver(() => [String], { description: 'Co-authors in on-chain order, creator first.' })
  coAuthors(@Root() thread: ThreadRecord, @Ctx() ctx: ApiContext): Promise<string[]> {
    return ctx.loaders.coAuthors.load(thread.address);
  }

  @FieldResolver(() => MessageConnection, { complexity: listComplexity, description: "The thread's messages." })
  async messages(
    @Root() thread: ThreadRecord,
    @Ctx() ctx: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => MessageStatus, { nullable: true }) status?: MessageStatus,
    @Arg('kind', () => MessageKind, { nullable: true }) kind?: MessageKind,
    @Arg('author', () => String, { nullable: true }) author?: string,
    @Arg('orderBy', () => ListOrder, { nullable: true }) orderBy?: ListOrder,
  ): Promise<MessageConnection> {
    const args = {
      first: pageSize(first, 20, ctx.settings.maxPageSize),
      after: after ?? null,
      status: status ?? null,
      kind: kind ?? null,
      author: optionalKey('author', author),
      orderBy: orderBy ?? ListOrder.NEWEST_FIRST,
    };
    return new MessageConnection(await ctx.loaders.threadMessages.load({ threadAddress: thread.address, args }));
  }

  @FieldResolver(() => EventConnection, {
    complexity: listComplexity,
    description: "The thread's events, oldest first.",
  })
  async events(
    @Root() thread: ThreadRecord,
    @Ctx() ctx: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('types', () => [EventTypeEnum], { nullable: true }) types?: EventType[],
  ): Promise<EventConnection> {
    const page = await eventPage(ctx.loaders.sql, {
      first: pageSize(first, 50, ctx.settings.maxPageSize),
      after,
      types,
      threadAddress: thread.address,
    });
    return new EventConnection({ ...page, items: page.items.map(toEventView) as never });
  }
}
