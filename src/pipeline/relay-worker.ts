/**
 * Drives `chain.relay` items: relayed thread creations and votes. Both are idempotent against the chain: a thread
 * whose account exists is not created again, and "already voted" by this voter counts as done. A thread's title
 * is the backend's; it is written once the indexer has the thread's row, and the thread's own vector point
 * (`registerThread`: its title, searchable) once the chain has confirmed it — until then the item waits and
 * retries. A chain rejection is final and gets a `MessageRolledBack` event (rejection.ts).
 */
import { PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import type pg from 'pg';
import {
  CHOIR_PROGRAM_ID,
  createThreadInstruction,
  findMessageAddress,
  ProgramError,
  relayed,
  threadCanonicalMessage,
  voteCanonicalMessage,
  voteInstruction,
} from '../../programs/choir/client/index.js';
import type { Relayer } from '../chain/relayer.js';
import type { Embedder } from '../embed/types.js';
import { ChoirError, isRetryable } from '../errors/index.js';
import type { ChoirMetrics } from '../observability/choir-metrics.js';
import { flowOf, runInFlow } from '../observability/flow.js';
import type { Logger } from '../observability/logger.js';
import {
  registerThread,
  THREAD_POINT_COLUMNS,
  type ThreadPointRow,
  threadRegistration,
} from '../vector/register-thread.js';
import type { VectorStore } from '../vector/types.js';
import { accountsExist } from './chain-accounts.js';
import { reportConfirmed, reportRejected } from './confirmed.js';
import type { ChainRelayWork } from './kinds.js';
import { type ClaimedItem, NOT_YET } from './outbox/index.js';
import { recordRejection } from './rejection.js';

export interface RelayWorkerDeps {
  readonly pool: pg.Pool;
  readonly relayer: Relayer;
  readonly logger: Logger;
  readonly programId?: PublicKey;
  /** Where the thread's own point goes once the chain confirms it; absent: no thread point. */
  readonly vectors?: { readonly store: VectorStore; readonly embedder: Embedder };
  /** Transaction latency and rejections by code; absent: not measured. */
  readonly metrics?: ChoirMetrics;
}

/** The item waits for the indexer or the chain: retried with backoff, logged quietly (not a failure). */
function notYet(message: string, threadAddress: string): ChoirError {
  return new ChoirError('SOLANA_RPC_UNAVAILABLE', message, { details: { threadAddress, [NOT_YET]: true } });
}

/** Registers the thread's point once its creation is confirmed (an unconfirmed one may still be dropped). */
async function registerConfirmed(deps: RelayWorkerDeps, w: Extract<ChainRelayWork, { action: 'createThread' }>) {
  if (!deps.vectors) return;
  const { rows } = await deps.pool.query<ThreadPointRow>(
    `SELECT ${THREAD_POINT_COLUMNS} FROM threads t WHERE t.address = $1`,
    [w.address],
  );
  const t = rows[0];
  if (!t) throw notYet(`thread ${w.address} is on chain but not indexed yet`, w.address);
  if (t.commitment === 'PROCESSED') throw notYet(`thread ${w.address} is not confirmed yet`, w.address);
  await registerThread(deps.vectors.store, deps.vectors.embedder, threadRegistration(t));
}

async function relayThread(deps: RelayWorkerDeps, w: Extract<ChainRelayWork, { action: 'createThread' }>) {
  const programId = deps.programId ?? CHOIR_PROGRAM_ID;
  const exists = await accountsExist(deps.relayer.rpc, [w.address]);
  if (!exists.has(w.address)) {
    const coAuthors = w.coAuthors.map((k) => new PublicKey(k));
    const terms = {
      threadId: Buffer.from(w.threadId, 'hex'),
      coAuthors,
      minStake: BigInt(w.minStake),
      specLifetime: BigInt(w.specLifetime),
      programId,
    };
    const creator = coAuthors[0] as PublicKey;
    const ix = createThreadInstruction({ ...terms, payer: deps.relayer.publicKey, creator, relayed: true });
    const signature = await deps.relayer.send(
      relayed(ix, creator, threadCanonicalMessage(terms), bs58.decode(w.signature)),
    );
    reportConfirmed(deps, 'thread', w, { threadAddress: w.address, signature });
  }
  if (w.title !== null) await setTitle(deps.pool, w.address, w.title);
  await registerConfirmed(deps, w);
}

/**
 * The thread's title, kept by the backend (the chain has none). Two passes at most: when the UPDATE finds no row and
 * the check then does, the indexer inserted the row in between, so the second UPDATE reaches it (the first version
 * took that row as titled and registered the thread's point without its title: seen once in the relay test).
 */
async function setTitle(pool: pg.Pool, address: string, title: string) {
  for (let pass = 0; pass < 2; pass++) {
    const { rowCount } = await pool.query(
      'UPDATE threads SET title = $2, updated_at = now() WHERE address = $1 AND title IS DISTINCT FROM $2',
      [address, title],
    );
    if (rowCount) return;
    const { rows } = await pool.query<{ title: string | null }>('SELECT title FROM threads WHERE address = $1', [
      address,
    ]);
    if (rows.length === 0) throw notYet(`thread ${address} is on chain but not indexed yet`, address);
    if (rows[0]?.title === title) return;
  }
}

async function relayVote(deps: RelayWorkerDeps, w: Extract<ChainRelayWork, { action: 'vote' }>) {
  const programId = deps.programId ?? CHOIR_PROGRAM_ID;
  const thread = new PublicKey(w.thread);
  const voter = new PublicKey(w.voter);
  const hash = Buffer.from(w.contentHash, 'hex');
  const { rows } = await deps.pool.query<{ pubkey: string }>(
    'SELECT pubkey FROM thread_co_authors WHERE thread_address = $1 ORDER BY position',
    [w.thread],
  );
  // Every co-author as payee: required when this vote completes the approval, ignored otherwise.
  const payees = rows.map((r) => new PublicKey(r.pubkey));
  const message = findMessageAddress(thread, hash, programId)[0];
  const ix = voteInstruction({
    voter,
    thread,
    contentHash: hash,
    approve: w.approve,
    payees,
    relayed: true,
    programId,
  });
  try {
    const signature = await deps.relayer.send(
      relayed(ix, voter, voteCanonicalMessage(message, w.approve), bs58.decode(w.signature)),
    );
    reportConfirmed(deps, 'vote', w, { messageAddress: w.messageAddress, voter: w.voter, signature });
  } catch (err) {
    if (err instanceof ChoirError && err.details.programErrorCode === ProgramError.AlreadyVoted) return;
    throw err;
  }
}

/**
 * Handles each item on its own (they are rare and unrelated). A chain rejection is final: the item completes and a
 * MessageRolledBack event carries the reason; transient failures fail the batch for a retry with backoff.
 */
export async function handleRelayBatch(deps: RelayWorkerDeps, items: readonly ClaimedItem<ChainRelayWork>[]) {
  let transient: unknown;
  for (const item of items) {
    try {
      // In the flow of the request that submitted it: every line logged for it carries that request's id.
      await runInFlow(flowOf(item.payload), () =>
        item.payload.action === 'createThread' ? relayThread(deps, item.payload) : relayVote(deps, item.payload),
      );
    } catch (err) {
      if (isRetryable(err) || !(err instanceof ChoirError)) {
        transient = err;
        continue;
      }
      reportRejected(deps, item.payload, err, { key: item.key });
      await recordRejection(deps.pool, item, err);
    }
  }
  if (transient !== undefined) throw transient;
}
