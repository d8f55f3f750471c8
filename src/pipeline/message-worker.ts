/**
 * Drives `message.submit` items: embed → vector upsert → STORED → relayed submit_message → RECORDED (the indexer
 * takes it on to CONFIRMED and FINALIZED). Each step is recorded in the row before the next starts, and each is
 * idempotent (point id from the message address; the chain is asked before sending), so a crash anywhere resumes
 * from the outbox without doing anything twice. Items ready together share one embedding call, one upsert and as
 * few transactions as fit 1,232 bytes.
 */
import { PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import type pg from 'pg';
import {
  CHOIR_PROGRAM_ID,
  messageCanonicalMessage,
  ProgramError,
  relayed,
  submitMessageInstruction,
} from '../../programs/choir/client/index.js';
import type { Relayer } from '../chain/relayer.js';
import { failedInstructionIndex } from '../chain/transaction-error.js';
import type { Embedder } from '../embed/types.js';
import { ChoirError, isRetryable } from '../errors/index.js';
import type { ChoirMetrics } from '../observability/choir-metrics.js';
import type { Logger } from '../observability/logger.js';
import { MESSAGE_POINT_COLUMNS, type MessagePointRow, messagePointPayload } from '../vector/message-point.js';
import type { VectorStore } from '../vector/types.js';
import { accountsExist } from './chain-accounts.js';
import { reportConfirmed, reportRejected } from './confirmed.js';
import type { MessageSubmitWork } from './kinds.js';
import type { ClaimedItem } from './outbox/index.js';
import { type Packable, pack } from './pack.js';
import { type RollbackItem, rollBack } from './rollback.js';
import { setStatus } from './status-step.js';

export interface PipelineStats {
  submitted: number;
  stored: number;
  recorded: number;
  alreadyRecorded: number;
  rolledBack: number;
  transactions: number;
}

export function newPipelineStats(): PipelineStats {
  return { submitted: 0, stored: 0, recorded: 0, alreadyRecorded: 0, rolledBack: 0, transactions: 0 };
}

export interface MessageWorkerDeps {
  readonly pool: pg.Pool;
  readonly store: Pick<VectorStore, 'upsert' | 'deletePoints'>;
  readonly embedder: Pick<Embedder, 'embed'>;
  readonly relayer: Relayer;
  readonly logger: Logger;
  readonly programId?: PublicKey;
  readonly stats?: PipelineStats;
  /** Transaction latency and rejections by code; absent: not measured. */
  readonly metrics?: ChoirMetrics;
}

type Row = MessagePointRow;

const ROWS_SQL = `SELECT ${MESSAGE_POINT_COLUMNS} FROM messages m WHERE m.address = ANY ($1::text[])`;

/** Chain rounds per batch: a transaction failing on one item is re-sent without it. */
const MAX_ROUNDS = 6;

function rollbackItem(row: Row, err: ChoirError): RollbackItem {
  return {
    address: row.address,
    thread: row.thread_address,
    contentHash: row.content_hash,
    reason: err.code,
    message: err.message,
  };
}

/** Embeds and upserts the rows still PENDING; returns rows whose content cannot be embedded (terminal). */
async function store(deps: MessageWorkerDeps, rows: Row[]): Promise<{ row: Row; err: ChoirError }[]> {
  if (rows.length === 0) return [];
  let vectors: Float32Array[] = [];
  const bad: { row: Row; err: ChoirError }[] = [];
  let good = rows;
  try {
    vectors = await deps.embedder.embed(rows.map((r) => r.content ?? ''));
  } catch (err) {
    if (isRetryable(err) || !(err instanceof ChoirError)) throw err;
    // One bad text fails the whole call: find it, keep the others.
    good = [];
    for (const row of rows) {
      try {
        vectors.push(...(await deps.embedder.embed([row.content ?? ''])));
        good.push(row);
      } catch (one) {
        if (isRetryable(one) || !(one instanceof ChoirError)) throw one;
        bad.push({ row, err: one });
      }
    }
  }
  if (good.length > 0) {
    await deps.store.upsert(
      good.map((row, i) => ({
        vector: vectors[i] as Float32Array,
        payload: messagePointPayload(row),
      })),
    );
    await setStatus(
      deps.pool,
      good.map((r) => r.address),
      'STORED',
      ['PENDING'],
    );
    if (deps.stats) deps.stats.stored += good.length;
  }
  return bad;
}

export async function handleMessageBatch(
  deps: MessageWorkerDeps,
  items: readonly ClaimedItem<MessageSubmitWork>[],
): Promise<void> {
  const programId = deps.programId ?? CHOIR_PROGRAM_ID;
  const work = new Map(items.map((i) => [i.payload.address, i.payload]));
  const { rows } = await deps.pool.query<Row>(ROWS_SQL, [[...work.keys()]]);
  // Rows already recorded (or rolled back) are done; a RECORDED row without a slot is a re-send after a fork.
  const live = rows.filter(
    (r) =>
      r.content !== null &&
      (r.status === 'PENDING' || r.status === 'STORED' || (r.status === 'RECORDED' && r.slot === null)),
  );
  if (live.length === 0) return;

  const rollbacks: RollbackItem[] = [];
  const reject = (row: Row, err: ChoirError) => {
    reportRejected(deps, work.get(row.address) ?? {}, err, { messageAddress: row.address });
    rollbacks.push(rollbackItem(row, err));
  };
  const unembeddable = await store(
    deps,
    live.filter((r) => r.status === 'PENDING'),
  );
  for (const { row, err } of unembeddable) reject(row, err);
  const rejected = new Set(unembeddable.map((b) => b.row.address));

  // Ask the chain first: after a crash between sending and recording, the record is already there.
  let pending = live.filter((r) => !rejected.has(r.address));
  const onChain = await accountsExist(
    deps.relayer.rpc,
    pending.map((r) => r.address),
  );
  const already = pending.filter((r) => onChain.has(r.address)).map((r) => r.address);
  await setStatus(deps.pool, already, 'RECORDED', ['PENDING', 'STORED']);
  if (deps.stats) deps.stats.alreadyRecorded += already.length;
  pending = pending.filter((r) => !onChain.has(r.address));

  let transient: unknown;
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const packables: Packable<Row>[] = pending.map((row) => {
      const payload = work.get(row.address) as MessageSubmitWork;
      const thread = new PublicKey(row.thread_address);
      const author = new PublicKey(row.author);
      const hash = Buffer.from(row.content_hash, 'hex');
      const ix = submitMessageInstruction({
        payer: deps.relayer.publicKey,
        author,
        thread,
        contentHash: hash,
        relayed: true,
        programId,
        // The address the message was accepted under (derived then from the thread and the hash): deriving it again
        // cost ~0.3-0.5 ms a message in curve checks.
        message: new PublicKey(row.address),
      });
      return {
        item: row,
        instructions: relayed(ix, author, messageCanonicalMessage(thread, hash), bs58.decode(payload.signature)),
      };
    });
    const transactions = pack(packables, (ixs) => deps.relayer.fits(ixs));
    const retry: Row[] = [];
    const recorded: string[] = [];
    // All of the round's transactions at once: sent in parallel, their statuses polled together.
    const outcomes = await deps.relayer.sendBatch(transactions.map((tx) => tx.flatMap((p) => p.instructions)));
    outcomes.forEach((outcome, t) => {
      const tx = transactions[t] as Packable<Row>[];
      if (outcome.ok) {
        recorded.push(...tx.map((p) => p.item.address));
        for (const p of tx) {
          const w = work.get(p.item.address) ?? {};
          reportConfirmed(deps, 'message', w, { messageAddress: p.item.address, signature: outcome.signature });
        }
        if (deps.stats) deps.stats.transactions += 1;
        return;
      }
      const err = outcome.error;
      const index = failedInstructionIndex(err);
      if (isRetryable(err) || index === undefined) {
        transient = err;
        return;
      }
      // Blame the one item whose pair holds the failing instruction; re-send the others without it.
      const culprit = tx[Math.floor(index / 2)]?.item;
      for (const p of tx) if (p.item !== culprit) retry.push(p.item);
      if (!culprit) return;
      const code = err.details.programErrorCode;
      if (code === ProgramError.DuplicateContentHash || code === ProgramError.AccountAlreadyInitialized) {
        // The record exists: ours from an earlier attempt, or the same content posted meanwhile.
        retry.push(culprit);
        return;
      }
      reject(culprit, err);
    });
    await setStatus(deps.pool, recorded, 'RECORDED', ['PENDING', 'STORED']);
    if (deps.stats) deps.stats.recorded += recorded.length;
    if (retry.length === 0) break;
    const exists = await accountsExist(
      deps.relayer.rpc,
      retry.map((r) => r.address),
    );
    const found = retry.filter((r) => exists.has(r.address)).map((r) => r.address);
    await setStatus(deps.pool, found, 'RECORDED', ['PENDING', 'STORED']);
    if (deps.stats) deps.stats.alreadyRecorded += found.length;
    pending = retry.filter((r) => !exists.has(r.address));
  }

  const rolled = await rollBack(deps.pool, deps.store, rollbacks);
  if (deps.stats) deps.stats.rolledBack += rolled;
  if (rollbacks.length > 0) deps.logger.info({ rolledBack: rolled }, 'submissions rolled back');
  if (transient !== undefined) throw transient;
}
