import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { messagePage } from '../read/messages.js';
import type { MessageRecord, ThreadRecord, VoteRecord } from '../read/records.js';
import { MessageConnection } from '../types/connections.js';
import { ListOrder, MessageKind, MessageStatus } from '../types/enums.js';
import { Message, Vote } from '../types/message.js';
import { Thread } from '../types/thread.js';
import { hex32, optionalKey, pageSize, publicKey } from '../validate.js';
import { listComplexity } from './thread.resolver.js';

@Resolver(() => Message)
export class MessageResolver {
  @Query(() => Message, { nullable: true, description: 'A message by its record address.' })
  message(@Arg('address', () => ID) address: string, @Ctx() ctx: ApiContext): Promise<MessageRecord | null> {
    return ctx.loaders.message.load(publicKey('address', address));
  }

  @Query(() => Message, { nullable: true, description: 'A message by its thread and content hash (sha256, hex).' })
  messageByHash(
    @Arg('threadAddress', () => ID) threadAddress: string,
    @Arg('hash', () => String) hash: string,
    @Ctx() ctx: ApiContext,
  ): Promise<MessageRecord | null> {
    return ctx.loaders.messageByHash.load({
      threadAddress: publicKey('threadAddress', threadAddress),
      hash: hex32('hash', hash),
    });
  }

  @Query(() => MessageConnection, {
    complexity: listComplexity,
    description: "Messages, newest first by default: one thread's, or all threads' when threadAddress is omitted.",
  })
  async messages(
    @Ctx() ctx: ApiContext,
    @Arg('threadAddress', () => ID, { nullable: true }) threadAddress?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => MessageStatus, { nullable: true }) status?: MessageStatus,
    @Arg('kind', () => MessageKind, { nullable: true }) kind?: MessageKind,
    @Arg('author', () => String, { nullable: true }) author?: string,
    @Arg('orderBy', () => ListOrder, { nullable: true }) orderBy?: ListOrder,
  ): Promise<MessageConnection> {
    const page = await messagePage(ctx.loaders.sql, optionalKey('threadAddress', threadAddress), {
      first: pageSize(first, 20, ctx.settings.maxPageSize),
      after,
      status,
      kind,
      author: optionalKey('author', author),
      orderBy: orderBy ?? ListOrder.NEWEST_FIRST,
    });
    for (const m of page.items) ctx.loaders.message.prime(m.address, m);
    return new MessageConnection(page);
  }

  @FieldResolver(() => Thread, { nullable: true })
  thread(@Root() message: MessageRecord, @Ctx() ctx: ApiContext): Promise<ThreadRecord | null> {
    return ctx.loaders.thread.load(message.threadAddress);
  }

  @FieldResolver(() => [Vote], { description: "Co-authors' votes (specs)." })
  votes(@Root() message: MessageRecord, @Ctx() ctx: ApiContext): VoteRecord[] | Promise<VoteRecord[]> {
    return ctx.loaders.folded.votes.get(message.address) ?? ctx.loaders.votes.load(message.address);
  }
}
