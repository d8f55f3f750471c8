/**
 * Drives `chain.relay` items: relayed thread creations and votes. Both are idempotent against the chain: a thread
 * whose account exists is not created again, and "already voted" by this voter counts as done. A thread's title
 * is the backend's; it is written once the indexer has the thread's row (until then the item waits and retries).
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
import { ChoirError, isRetryable } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { accountsExist } from './chain-accounts.js';
import type { ChainRelayWork } from './kinds.js';
import type { ClaimedItem } from './outbox/index.js';

export interface RelayWorkerDeps {
  readonly pool: pg.Pool;
  readonly relayer: Relayer;
  readonly logger: Logger;
  readonly programId?: PublicKey;
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
    await deps.relayer.send(relayed(ix, creator, threadCanonicalMessage(terms), bs58.decode(w.signature)));
  }
  if (w.title === null) return;
  const { rowCount } = await deps.pool.query(
    'UPDATE threads SET title = $2, updated_at = now() WHERE address = $1 AND title IS DISTINCT FROM $2',
    [w.address, w.title],
  );
  if (rowCount === 0) {
    const { rowCount: known } = await deps.pool.query('SELECT 1 FROM threads WHERE address = $1', [w.address]);
    if (known === 0) {
      throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `thread ${w.address} is on chain but not indexed yet`, {
        details: { threadAddress: w.address },
      });
    }
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
    await deps.relayer.send(relayed(ix, voter, voteCanonicalMessage(message, w.approve), bs58.decode(w.signature)));
  } catch (err) {
    if (err instanceof ChoirError && err.details.programErrorCode === ProgramError.AlreadyVoted) return;
    throw err;
  }
}

/**
 * Handles each item on its own (they are rare and unrelated). A chain rejection is final: the item completes with
 * the reason kept in the outbox row (`last_error`); transient failures fail the batch for a retry with backoff.
 */
export async function handleRelayBatch(deps: RelayWorkerDeps, items: readonly ClaimedItem<ChainRelayWork>[]) {
  let transient: unknown;
  for (const item of items) {
    try {
      if (item.payload.action === 'createThread') await relayThread(deps, item.payload);
      else await relayVote(deps, item.payload);
    } catch (err) {
      if (isRetryable(err) || !(err instanceof ChoirError)) {
        transient = err;
        continue;
      }
      deps.logger.warn({ err, key: item.key }, 'relayed action rejected by the chain');
      await deps.pool.query('UPDATE outbox SET last_error = $2 WHERE id = $1', [
        item.id.toString(),
        `${err.code}: ${err.message}`.slice(0, 2000),
      ]);
    }
  }
  if (transient !== undefined) throw transient;
}
