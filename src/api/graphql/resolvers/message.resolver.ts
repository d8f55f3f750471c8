import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { messagePage } from '../read/messages.js';
import type { MessageRecord, ThreadRecord, VoteRecord } from '../read/records.js';
import { MessageConnection } from '../types/connections.js';
import { ListOrder, MessageKind, MessageStatus } from '../types/enums.js';
import { Message, Vote } from '../types/message.js';
import { Thread } from '../types/thread.js';
import { badInput, hex32, optionalKey, pageSize, publicKey } from '../validate.js';
import { listComplexity } from './thread.resolver.js';

/** Largest `messagesByAddress` batch (the API's largest page by default). */
export const MAX_BATCH = 100;

/** `CODE: message` as the pipeline writes it (src/pipeline/rollback.ts). */
function splitRollback(error: string | null | undefined): { code: string; message: string | null } | null {
  if (!error) return null;
  const at = error.indexOf(': ');
  return at < 0 ? { code: error, message: null } : { code: error.slice(0, at), message: error.slice(at + 2) };
}

@Resolver(() => Message)
export class MessageResolver {
  @Query(() => Message, { nullable: true, description: 'A message by its record address.' })
  message(@Arg('address', () => ID) address: string, @Ctx() ctx: ApiContext): Promise<MessageRecord | null> {
    return ctx.loaders.message.load(publicKey('address', address));
  }

  @Query(() => [Message], {
    nullable: 'items',
    complexity: ({ args, childComplexity }) =>
      1 + Math.min((args.addresses as unknown[] | undefined)?.length ?? 0, MAX_BATCH) * Math.max(1, childComplexity),
    description: `Messages by record address, in the order asked (null for an unknown one); at most ${MAX_BATCH} at once.`,
  })
  messagesByAddress(
    @Arg('addresses', () => [String]) addresses: string[],
    @Ctx() ctx: ApiContext,
  ): Promise<(MessageRecord | null)[]> {
    if (addresses.length > MAX_BATCH)
      throw badInput('addresses', `at most ${MAX_BATCH} at once, got ${addresses.length}`);
    const keys = addresses.map((a, i) => publicKey(`addresses[${i}]`, a));
    // One statement for all of them (and any other message read of this request), duplicates once.
    return Promise.all(keys.map((k) => ctx.loaders.message.load(k)));
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

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Why the pipeline rolled the message back: the error code, as MessageRolledBack.reason (null unless ROLLED_BACK).',
  })
  rollbackReason(@Root() message: MessageRecord): string | null {
    return splitRollback(message.rollbackError)?.code ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The rollback error in words (null unless ROLLED_BACK).',
  })
  rollbackMessage(@Root() message: MessageRecord): string | null {
    return splitRollback(message.rollbackError)?.message ?? null;
  }

  @FieldResolver(() => [Vote], { description: "Co-authors' votes (specs)." })
  votes(@Root() message: MessageRecord, @Ctx() ctx: ApiContext): VoteRecord[] | Promise<VoteRecord[]> {
    return ctx.loaders.folded.votes.get(message.address) ?? ctx.loaders.votes.load(message.address);
  }
}
