/**
 * Writes, all through the submission pipeline (src/pipeline/submissions.ts): relayed actions the user signs
 * (createThread, submitMessage, vote) and wallet-paid ones (prepareTransaction → the wallet signs →
 * sendTransaction). Here only the transport shapes are checked (base58 keys, hex ids, 64-byte signatures) so a
 * malformed request gets BAD_USER_INPUT naming its field; signatures, co-authorship and idempotency are the
 * pipeline's. Nothing is confirmed here: a message comes back PENDING, as Postgres holds it.
 */
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ChoirError } from '../../../errors/index.js';
import type { PrepareRequest, RequestMeta } from '../../../pipeline/submissions.js';
import type { ApiContext } from '../context.js';
import type { MessageRecord } from '../read/records.js';
import { requireService } from '../services.js';
import { Message } from '../types/message.js';
import {
  CreateThreadInput,
  PreparedTransaction,
  PrepareTransactionInput,
  SentTransaction,
  SubmitMessageInput,
  ThreadSubmission,
  VoteInput,
  VoteSubmission,
  WalletAction,
} from '../types/mutations.js';
import { badInput, hex32, publicKey, signature, storableText } from '../validate.js';

const MAX_CO_AUTHORS = 32;
const MAX_TITLE = 200;

function meta(ctx: ApiContext): RequestMeta {
  return { requestId: ctx.requestId };
}

function required<T>(name: string, value: T | null | undefined): T {
  if (value === null || value === undefined) throw badInput(name, 'is required for this action');
  return value;
}

@Resolver()
export class MutationResolver {
  @Mutation(() => ThreadSubmission, { description: 'Creates a thread, relayed: the service pays the fees.' })
  async createThread(@Arg('input', () => CreateThreadInput) input: CreateThreadInput, @Ctx() ctx: ApiContext) {
    if (input.coAuthors.length === 0 || input.coAuthors.length > MAX_CO_AUTHORS) {
      throw badInput('input.coAuthors', `must list 1 to ${MAX_CO_AUTHORS} keys, creator first`);
    }
    const coAuthors = input.coAuthors.map((k, i) => publicKey(`input.coAuthors[${i}]`, k));
    if (new Set(coAuthors).size !== coAuthors.length) throw badInput('input.coAuthors', 'must not repeat a key');
    const creator = publicKey('input.creator', input.creator);
    if (coAuthors[0] !== creator) throw badInput('input.coAuthors', 'must start with the creator');
    if (input.title !== undefined && input.title !== null && input.title.length > MAX_TITLE) {
      throw badInput('input.title', `must be at most ${MAX_TITLE} characters`);
    }
    if (input.title) storableText('input.title', input.title);
    signature('input.signature', input.signature);
    const accepted = await requireService(ctx, 'submissions').createThread(
      {
        threadId: hex32('input.threadId', input.threadId),
        coAuthors,
        minStake: input.minStake ?? 0n,
        specLifetime: input.specLifetime ?? 0n,
        title: input.title ?? null,
        creator,
        signature: input.signature,
      },
      meta(ctx),
    );
    return {
      address: accepted.address,
      created: accepted.created,
      thread: await ctx.loaders.thread.load(accepted.address),
    };
  }

  @Mutation(() => Message, {
    description: 'Submits a message, relayed. Returns it at once (status PENDING); follow it with messageStatus.',
  })
  async submitMessage(
    @Arg('input', () => SubmitMessageInput) input: SubmitMessageInput,
    @Ctx() ctx: ApiContext,
  ): Promise<MessageRecord> {
    const threadAddress = publicKey('input.threadAddress', input.threadAddress);
    const author = publicKey('input.author', input.author);
    signature('input.signature', input.signature);
    if (input.content.length === 0) throw badInput('input.content', 'must not be empty');
    storableText('input.content', input.content);
    const accepted = await requireService(ctx, 'submissions').submitMessage(
      { threadAddress, content: input.content, author, signature: input.signature },
      meta(ctx),
    );
    const row = await ctx.loaders.message.load(accepted.address);
    if (!row) {
      // The pipeline committed the row before resolving; its absence is a broken contract, not a user error.
      throw new ChoirError('INTERNAL', `accepted message ${accepted.address} is not in Postgres`);
    }
    return row;
  }

  @Mutation(() => VoteSubmission, { description: 'Votes on a spec, relayed.' })
  async vote(@Arg('input', () => VoteInput) input: VoteInput, @Ctx() ctx: ApiContext) {
    const messageAddress = publicKey('input.messageAddress', input.messageAddress);
    const voter = publicKey('input.voter', input.voter);
    signature('input.signature', input.signature);
    const accepted = await requireService(ctx, 'submissions').vote(
      { messageAddress, voter, approve: input.approve, signature: input.signature },
      meta(ctx),
    );
    return {
      messageAddress: accepted.address,
      created: accepted.created,
      message: await ctx.loaders.message.load(accepted.address),
    };
  }

  @Mutation(() => PreparedTransaction, {
    description: 'Builds an unsigned transaction (fresh blockhash) for a wallet-paid action.',
  })
  prepareTransaction(
    @Arg('input', () => PrepareTransactionInput) input: PrepareTransactionInput,
    @Ctx() ctx: ApiContext,
  ) {
    let request: PrepareRequest;
    switch (input.action) {
      case WalletAction.SUBMIT_SPEC: {
        const content = required('input.content', input.content);
        if (content.length === 0) throw badInput('input.content', 'must not be empty');
        const stake = required('input.stake', input.stake);
        if (stake < 0n) throw badInput('input.stake', 'must not be negative');
        request = {
          kind: 'submitSpec',
          threadAddress: publicKey('input.threadAddress', required('input.threadAddress', input.threadAddress)),
          author: publicKey('input.author', required('input.author', input.author)),
          content,
          stake,
        };
        break;
      }
      case WalletAction.DIVEST:
        request = {
          kind: 'divest',
          threadAddress: publicKey('input.threadAddress', required('input.threadAddress', input.threadAddress)),
          coAuthor: publicKey('input.coAuthor', required('input.coAuthor', input.coAuthor)),
        };
        break;
      case WalletAction.EXPIRE_SPEC:
        request = {
          kind: 'expireSpec',
          messageAddress: publicKey('input.messageAddress', required('input.messageAddress', input.messageAddress)),
          payer: publicKey('input.payer', required('input.payer', input.payer)),
        };
        break;
    }
    return requireService(ctx, 'submissions').prepareTransaction(request);
  }

  @Mutation(() => SentTransaction, { description: 'Submits a transaction the wallet signed; returns its signature.' })
  sendTransaction(@Arg('signed', () => String) signed: string, @Ctx() ctx: ApiContext) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signed) || signed.length > 4_000) {
      throw badInput('signed', 'must be a base64 serialized transaction');
    }
    return requireService(ctx, 'submissions').sendTransaction(signed);
  }
}
