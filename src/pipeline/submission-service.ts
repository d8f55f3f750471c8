/**
 * The Submissions the API calls. Every method verifies first (shapes, then the signature, then membership, so a
 * non-co-author costs no fee), then commits in one Postgres transaction everything the action needs: the optimistic
 * row and its event for subscribers, and the outbox item a worker drives to the chain. Once a method resolves the
 * action survives any crash; the same signed action sent twice is accepted once (`created: false`). Messages are
 * committed in groups (accept-messages.ts): those submitted while a commit is in flight share the next one.
 */
import { randomBytes } from 'node:crypto';
import { type PublicKey, Transaction } from '@solana/web3.js';
import type pg from 'pg';
import {
  CHOIR_PROGRAM_ID,
  contentHash,
  divestInstruction,
  expireSpecInstruction,
  findMessageAddress,
  findThreadAddress,
  MAX_CO_AUTHORS,
  messageCanonicalMessage,
  submitSpecInstruction,
  threadCanonicalMessage,
  voteCanonicalMessage,
} from '../../programs/choir/client/index.js';
import type { Relayer } from '../chain/relayer.js';
import { RpcFailure } from '../chain/rpc-client.js';
import { transactionFailed } from '../chain/transaction-error.js';
import { inTransaction } from '../db/transaction.js';
import { ChoirError } from '../errors/index.js';
import { withFlow } from '../observability/flow.js';
import { createAcceptQueue } from './accept-messages.js';
import { coAuthorsOfThreads, notCoAuthor, threadNotFound } from './co-authors.js';
import { CHAIN_RELAY_KIND, type ChainRelayWork, MESSAGE_SUBMIT_KIND, type MessageSubmitWork } from './kinds.js';
import type {
  Accepted,
  CreateThreadRequest,
  PreparedTransaction,
  PrepareRequest,
  RequestMeta,
  Submissions,
  SubmitMessageRequest,
  VoteRequest,
} from './submissions.js';
import { parseAddress, parseHex32, parseSignature, verifySignature } from './verify.js';

export interface SubmissionServiceOptions {
  readonly pool: pg.Pool;
  /** Builds user-paid transactions and forwards signed ones; absent: those two methods answer INTERNAL. */
  readonly relayer?: Relayer;
  readonly programId?: PublicKey;
  /** Largest content accepted (the vector store's MAX_CONTENT_BYTES). */
  readonly maxContentBytes: number;
  /** Called after a commit so the workers start at once instead of at their next poll. */
  readonly onEnqueued?: (kind: string) => void;
}

const MAX_TITLE_CHARS = 200;

function nonNegative(field: string, value: unknown, max: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > max) {
    throw new ChoirError('BAD_USER_INPUT', `${field} must be an integer between 0 and ${max}`, { details: { field } });
  }
  return value;
}

/** An item's payload: its work, the request's ids, and when it was accepted. */
function traced<W extends object>(work: W, meta: RequestMeta): W {
  return withFlow({ ...work, acceptedAt: Date.now() }, { requestId: meta.requestId });
}

/** Inserts a relay item unless its key exists; true when it was new. */
async function insertRelay(client: pg.ClientBase, key: string, work: ChainRelayWork): Promise<boolean> {
  const { rowCount } = await client.query(
    'INSERT INTO outbox (kind, key, payload) VALUES ($1, $2, $3) ON CONFLICT (kind, key) DO NOTHING',
    [CHAIN_RELAY_KIND, key, JSON.stringify(work)],
  );
  return rowCount === 1;
}

export function createSubmissions(o: SubmissionServiceOptions): Submissions {
  const programId = o.programId ?? CHOIR_PROGRAM_ID;

  const accepts = createAcceptQueue(o.pool, { onCommitted: () => o.onEnqueued?.(MESSAGE_SUBMIT_KIND) });

  async function coAuthorsOf(thread: string): Promise<string[]> {
    const keys = (await coAuthorsOfThreads(o.pool, [thread])).get(thread);
    if (!keys) throw threadNotFound(thread);
    return keys;
  }

  function requireCoAuthor(coAuthors: readonly string[], key: string, thread: string, role: string) {
    if (!coAuthors.includes(key)) throw notCoAuthor(key, thread, role);
  }

  return {
    async createThread(req: CreateThreadRequest, meta: RequestMeta): Promise<Accepted> {
      const threadId = parseHex32('threadId', req.threadId);
      if (!Array.isArray(req.coAuthors) || req.coAuthors.length < 1 || req.coAuthors.length > MAX_CO_AUTHORS) {
        throw new ChoirError('BAD_USER_INPUT', `coAuthors must list 1 to ${MAX_CO_AUTHORS} keys, creator first`, {
          details: { field: 'coAuthors' },
        });
      }
      const coAuthors = req.coAuthors.map((k, i) => parseAddress(`coAuthors[${i}]`, k));
      if (new Set(req.coAuthors).size !== req.coAuthors.length) {
        throw new ChoirError('BAD_USER_INPUT', 'coAuthors lists a key twice', { details: { field: 'coAuthors' } });
      }
      const creator = parseAddress('creator', req.creator);
      if (!coAuthors[0]?.equals(creator)) {
        throw new ChoirError('BAD_USER_INPUT', 'the creator must be the first co-author', {
          details: { field: 'coAuthors' },
        });
      }
      const minStake = nonNegative('minStake', req.minStake, 2n ** 64n - 1n);
      const specLifetime = nonNegative('specLifetime', req.specLifetime, 3_155_760_000n);
      if (req.title !== null && (typeof req.title !== 'string' || req.title.length > MAX_TITLE_CHARS)) {
        throw new ChoirError('BAD_USER_INPUT', `title must be at most ${MAX_TITLE_CHARS} characters`, {
          details: { field: 'title' },
        });
      }
      const signature = parseSignature(req.signature);
      const canonical = threadCanonicalMessage({ threadId, coAuthors, minStake, specLifetime, programId });
      verifySignature(creator, canonical, signature, 'the thread terms');

      const address = findThreadAddress(threadId, programId)[0].toBase58();
      const work: ChainRelayWork = {
        action: 'createThread',
        address,
        threadId: Buffer.from(threadId).toString('hex'),
        coAuthors: req.coAuthors,
        minStake: minStake.toString(),
        specLifetime: specLifetime.toString(),
        title: req.title?.trim() ? req.title.trim() : null,
        signature: req.signature,
      };
      const created = await inTransaction(o.pool, (c) => insertRelay(c, `thread:${address}`, traced(work, meta)));
      if (created) o.onEnqueued?.(CHAIN_RELAY_KIND);
      return { address, created };
    },

    async submitMessage(req: SubmitMessageRequest, meta: RequestMeta): Promise<Accepted> {
      const thread = parseAddress('threadAddress', req.threadAddress);
      const author = parseAddress('author', req.author);
      if (typeof req.content !== 'string' || req.content.trim().length === 0) {
        throw new ChoirError('BAD_USER_INPUT', 'content must not be empty', { details: { field: 'content' } });
      }
      const bytes = Buffer.byteLength(req.content, 'utf8');
      if (bytes > o.maxContentBytes) {
        throw new ChoirError('BAD_USER_INPUT', `content is ${bytes} bytes; at most ${o.maxContentBytes} are accepted`, {
          details: { field: 'content', bytes, max: o.maxContentBytes },
        });
      }
      const signature = parseSignature(req.signature);
      const hash = contentHash(req.content);
      verifySignature(author, messageCanonicalMessage(thread, hash), signature, 'the message');

      const threadAddress = thread.toBase58();
      const authorKey = author.toBase58();
      // Membership is checked with the batch the message is committed in (one query for its threads).
      const address = findMessageAddress(thread, hash, programId)[0].toBase58();
      const hashHex = Buffer.from(hash).toString('hex');
      const work: MessageSubmitWork = {
        address,
        thread: threadAddress,
        author: authorKey,
        contentHash: hashHex,
        signature: req.signature,
      };

      // Committed together with the messages submitted meanwhile (accept-messages.ts); resolves after the commit.
      const created = await accepts.accept({ work, content: req.content, requestId: meta.requestId });
      return { address, created };
    },

    async vote(req: VoteRequest, meta: RequestMeta): Promise<Accepted> {
      const message = parseAddress('messageAddress', req.messageAddress);
      const voter = parseAddress('voter', req.voter);
      if (typeof req.approve !== 'boolean') {
        throw new ChoirError('BAD_USER_INPUT', 'approve must be true or false', { details: { field: 'approve' } });
      }
      const signature = parseSignature(req.signature);
      verifySignature(voter, voteCanonicalMessage(message, req.approve), signature, 'the vote');

      const messageAddress = message.toBase58();
      const { rows } = await o.pool.query<{ thread_address: string; content_hash: string; kind: string }>(
        'SELECT thread_address, content_hash, kind FROM messages WHERE address = $1',
        [messageAddress],
      );
      const row = rows[0];
      if (!row)
        throw new ChoirError('NOT_FOUND', `message ${messageAddress} does not exist`, { details: { messageAddress } });
      if (row.kind !== 'SPEC') {
        throw new ChoirError('BAD_USER_INPUT', `message ${messageAddress} is not a spec; only specs are voted on`, {
          details: { messageAddress },
        });
      }
      const voterKey = voter.toBase58();
      requireCoAuthor(await coAuthorsOf(row.thread_address), voterKey, row.thread_address, 'voter');
      const work: ChainRelayWork = {
        action: 'vote',
        messageAddress,
        thread: row.thread_address,
        contentHash: row.content_hash,
        voter: voterKey,
        approve: req.approve,
        signature: req.signature,
      };
      const created = await inTransaction(o.pool, (c) =>
        insertRelay(c, `vote:${messageAddress}:${voterKey}`, traced(work, meta)),
      );
      if (created) o.onEnqueued?.(CHAIN_RELAY_KIND);
      return { address: messageAddress, created };
    },

    async prepareTransaction(req: PrepareRequest): Promise<PreparedTransaction> {
      const relayer = requireRelayer(o.relayer);
      let feePayer: PublicKey;
      let transaction: Transaction;
      switch (req.kind) {
        case 'submitSpec': {
          const thread = parseAddress('threadAddress', req.threadAddress);
          const author = parseAddress('author', req.author);
          if (typeof req.content !== 'string' || req.content.trim().length === 0) {
            throw new ChoirError('BAD_USER_INPUT', 'content must not be empty', { details: { field: 'content' } });
          }
          const stake = nonNegative('stake', req.stake, 2n ** 64n - 1n);
          const coAuthors = await coAuthorsOf(thread.toBase58());
          if (coAuthors.includes(author.toBase58())) {
            throw new ChoirError('BAD_USER_INPUT', 'co-authors publish messages directly; only others submit specs', {
              details: { field: 'author' },
            });
          }
          feePayer = author;
          transaction = new Transaction().add(
            submitSpecInstruction({ author, thread, contentHash: contentHash(req.content), stake, programId }),
          );
          break;
        }
        case 'divest': {
          const thread = parseAddress('threadAddress', req.threadAddress);
          const coAuthor = parseAddress('coAuthor', req.coAuthor);
          requireCoAuthor(await coAuthorsOf(thread.toBase58()), coAuthor.toBase58(), thread.toBase58(), 'co-author');
          feePayer = coAuthor;
          transaction = new Transaction().add(divestInstruction({ coAuthor, thread, programId }));
          break;
        }
        case 'expireSpec': {
          const message = parseAddress('messageAddress', req.messageAddress);
          feePayer = parseAddress('payer', req.payer);
          const { rows } = await o.pool.query<{ thread_address: string; content_hash: string }>(
            'SELECT thread_address, content_hash FROM messages WHERE address = $1',
            [message.toBase58()],
          );
          const row = rows[0];
          if (!row) throw new ChoirError('NOT_FOUND', `message ${message.toBase58()} does not exist`);
          transaction = new Transaction().add(
            expireSpecInstruction({
              thread: parseAddress('thread', row.thread_address),
              contentHash: Buffer.from(row.content_hash, 'hex'),
              programId,
            }),
          );
          break;
        }
        default:
          throw new ChoirError('BAD_USER_INPUT', `unknown transaction kind ${(req as { kind: unknown }).kind}`);
      }
      const { value } = await relayer.rpc.call<{ value: { blockhash: string; lastValidBlockHeight: number } }>(
        'getLatestBlockhash',
        [{ commitment: 'confirmed' }],
      );
      transaction.feePayer = feePayer;
      transaction.recentBlockhash = value.blockhash;
      const wire = transaction.serialize({ requireAllSignatures: false, verifySignatures: false });
      return {
        transaction: wire.toString('base64'),
        blockhash: value.blockhash,
        lastValidBlockHeight: value.lastValidBlockHeight,
      };
    },

    async sendTransaction(signedBase64: string): Promise<{ signature: string }> {
      const relayer = requireRelayer(o.relayer);
      if (typeof signedBase64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signedBase64)) {
        throw new ChoirError('BAD_USER_INPUT', 'transaction must be base64', { details: { field: 'transaction' } });
      }
      try {
        Transaction.from(Buffer.from(signedBase64, 'base64'));
      } catch (err) {
        throw new ChoirError('BAD_USER_INPUT', `transaction does not decode: ${(err as Error).message}`, {
          details: { field: 'transaction' },
        });
      }
      try {
        const signature = await relayer.rpc.call<string>('sendTransaction', [
          signedBase64,
          { encoding: 'base64', preflightCommitment: 'processed' },
        ]);
        return { signature };
      } catch (err) {
        if (err instanceof RpcFailure) {
          const data = err.error.data as { err?: unknown } | undefined;
          if (data?.err !== undefined) throw transactionFailed(data.err, undefined);
          throw new ChoirError('SOLANA_TRANSACTION_FAILED', err.message, { cause: err });
        }
        throw err;
      }
    },
  };
}

function requireRelayer(relayer: Relayer | undefined): Relayer {
  if (!relayer) throw new ChoirError('INTERNAL', 'this process has no chain connection for transactions');
  return relayer;
}

/** A fresh random thread id (hex), for clients and tests. */
export function newThreadId(): string {
  return randomBytes(32).toString('hex');
}
