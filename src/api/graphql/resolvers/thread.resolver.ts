import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { ApiSettings } from '../../../config/sections/api.js';
import type { EventType } from '../../../events/types.js';
import type { ApiContext } from '../context.js';
import type { Loaders } from '../loaders/loaders.js';
import { threadConnectionRelations, threadFieldRelations } from '../loaders/look-ahead.js';
import { eventCursor } from '../read/cursor.js';
import { lastEventsByThread } from '../read/events.js';
import type { MessagePageArgs } from '../read/messages.js';
import type { ThreadRecord } from '../read/records.js';
import { foldedLastEvent, hasRelations, type LastEvent, type ThreadRelations } from '../read/thread-relations.js';
import { threadPage } from '../read/threads.js';
import { EventConnection, MessageConnection, ThreadConnection } from '../types/connections.js';
import { EventTypeEnum, ListOrder, MessageKind, MessageStatus } from '../types/enums.js';
import { toEventView } from '../types/events.js';
import { Thread } from '../types/thread.js';
import { optionalKey, pageSize, publicKey } from '../validate.js';

/** Complexity of a list field: its page size times the cost of what each node selects. */
export const listComplexity = ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) =>
  1 + (args.first ?? 20) * Math.max(1, childComplexity);

/**
 * The page arguments of `Thread.messages` as the loader keys them: the one rule for the field resolver and for the
 * look-ahead that folds the page into the thread's statement (equal arguments must make equal keys).
 */
export function threadMessageArgs(settings: ApiSettings, raw: Record<string, unknown>): MessagePageArgs {
  const args = raw as { first?: number; after?: string; status?: string; kind?: string; author?: string };
  return {
    first: pageSize(args.first, 20, settings.maxPageSize),
    after: args.after ?? null,
    status: args.status ?? null,
    kind: args.kind ?? null,
    author: optionalKey('author', args.author),
    orderBy: (raw.orderBy as ListOrder | undefined) ?? ListOrder.NEWEST_FIRST,
  };
}

/** Per request: last events of threads read without them (a thread reached through a message, say). */
const lastEventLoaders = new WeakMap<Loaders, DataLoader<string, LastEvent | null>>();

/** The thread's last event: read with the thread's row when the operation asked for it there, else batched. */
function lastEventOf(thread: ThreadRecord, ctx: ApiContext): LastEvent | null | Promise<LastEvent | null> {
  const folded = foldedLastEvent(thread);
  if (folded !== undefined) return folded;
  let loader = lastEventLoaders.get(ctx.loaders);
  if (!loader) {
    const sql = ctx.loaders.sql;
    loader = new DataLoader(async (addresses: readonly string[]) => {
      const found = await lastEventsByThread(sql, addresses);
      return addresses.map((a) => found.get(a) ?? null);
    });
    lastEventLoaders.set(ctx.loaders, loader);
  }
  return loader.load(thread.address);
}

const then = <T, R>(v: T | Promise<T>, f: (v: T) => R): R | Promise<R> => (v instanceof Promise ? v.then(f) : f(v));

/**
 * With the process's thread-state cache (primary reads only: cache/api-caches.ts), a thread whose selection needs
 * nothing but its co-authors is read through the two cached loaders instead of one folded statement: usually
 * neither reaches Postgres.
 */
function cachedShape(ctx: ApiContext, relations: ThreadRelations): boolean {
  return ctx.caches !== undefined && !ctx.readDb && relations.messages === null && relations.lastEvent !== true;
}

@Resolver(() => Thread)
export class ThreadResolver {
  @Query(() => Thread, { nullable: true, description: 'A thread by its address.' })
  thread(
    @Arg('address', () => ID) address: string,
    @Ctx() ctx: ApiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ThreadRecord | null> {
    const key = publicKey('address', address);
    const relations = threadFieldRelations(info, (raw) => threadMessageArgs(ctx.settings, raw));
    if (!hasRelations(relations) || cachedShape(ctx, relations)) return ctx.loaders.thread.load(key);
    return ctx.loaders.threadWith.load({ address: key, relations });
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
    @Info() info?: GraphQLResolveInfo,
  ): Promise<ThreadConnection> {
    const relations = threadConnectionRelations(info as GraphQLResolveInfo, (raw) =>
      threadMessageArgs(ctx.settings, raw),
    );
    const page = await threadPage(
      ctx.loaders.sql,
      {
        first: pageSize(first, 20, ctx.settings.maxPageSize),
        after,
        coAuthor: optionalKey('coAuthor', coAuthor),
        creator: optionalKey('creator', creator),
        orderBy: orderBy ?? ListOrder.NEWEST_FIRST,
      },
      relations,
    );
    for (const t of page.items) {
      const folded = page.folded.get(t.address);
      if (folded) ctx.loaders.primeFolded(t, folded, relations);
      else ctx.loaders.thread.prime(t.address, t);
    }
    return new ThreadConnection(page);
  }

  @FieldResolver(() => [String], { description: 'Co-authors in on-chain order, creator first.' })
  coAuthors(@Root() thread: ThreadRecord, @Ctx() ctx: ApiContext): string[] | Promise<string[]> {
    return ctx.loaders.folded.coAuthors.get(thread.address) ?? ctx.loaders.coAuthors.load(thread.address);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Cursor of the thread's latest event (null: none yet). Asked for in `thread(address)` or `threads`, it is read " +
      "in the thread's own statement: its messages in the same answer reflect every event up to it, so " +
      '`threadEvents(after: lastEventCursor)` continues exactly from this answer — no gap, no duplicate.',
  })
  lastEventCursor(@Root() thread: ThreadRecord, @Ctx() ctx: ApiContext): string | null | Promise<string | null> {
    return then(lastEventOf(thread, ctx), (e) => (e ? eventCursor(e.sequence) : null));
  }

  @FieldResolver(() => Int, {
    description:
      "How many events the thread's log holds: its thread sequences run 1..eventCount (read as lastEventCursor).",
  })
  eventCount(@Root() thread: ThreadRecord, @Ctx() ctx: ApiContext): number | Promise<number> {
    return then(lastEventOf(thread, ctx), (e) => e?.threadSequence ?? 0);
  }

  @FieldResolver(() => MessageConnection, { complexity: listComplexity, description: "The thread's messages." })
  messages(
    @Root() thread: ThreadRecord,
    @Ctx() ctx: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => MessageStatus, { nullable: true }) status?: MessageStatus,
    @Arg('kind', () => MessageKind, { nullable: true }) kind?: MessageKind,
    @Arg('author', () => String, { nullable: true }) author?: string,
    @Arg('orderBy', () => ListOrder, { nullable: true }) orderBy?: ListOrder,
  ): MessageConnection | Promise<MessageConnection> {
    const args = threadMessageArgs(ctx.settings, { first, after, status, kind, author, orderBy });
    const folded = ctx.loaders.folded.pages.get(ctx.loaders.pageKey(thread.address, args));
    if (folded) return new MessageConnection(folded);
    return ctx.loaders.threadMessages
      .load({ threadAddress: thread.address, args })
      .then((page) => new MessageConnection(page));
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
    const page = await ctx.loaders.threadEvents.load({
      threadAddress: thread.address,
      args: { first: pageSize(first, 50, ctx.settings.maxPageSize), after: after ?? null, types: types ?? null },
    });
    return new EventConnection({ ...page, items: page.items.map(toEventView) as never });
  }
}
