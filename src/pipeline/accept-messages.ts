/**
 * Group commit of submitted messages. Accepting one message alone took ~9 Postgres round trips (co-authors, BEGIN,
 * INSERT, the event log's lock, tails, COPY and sequence, the outbox item, COMMIT) and a WAL flush; on the 2-core
 * machine each round trip costs ~0.2 ms of CPU in this process (the loopback write) and about as much in the
 * backend, which made the accept path the largest part of a submission's cost (bench/submit.ts). Messages that
 * arrive while a commit is in flight now wait for it and share the next one: one co-author query for their threads,
 * one INSERT, one append of their MessageSubmitted events, one enqueue, one COMMIT. A lone message is not delayed
 * (it starts a commit at once), and nothing is answered before its commit.
 *
 * Each caller keeps its own answer: a stranger or a duplicate is refused without touching the others, the same
 * action twice in one batch waits for the next commit (and is then `created: false`, as before), and a batch that
 * fails unexpectedly is retried message by message, so an error reaches only the message that caused it.
 */
import type pg from 'pg';
import { compareCodeUnits } from '../db/lock-order.js';
import { ChoirError } from '../errors/index.js';
import { appendEvents } from '../events/index.js';
import { withFlow } from '../observability/flow.js';
import { coAuthorsOfThreads, notCoAuthor, threadNotFound } from './co-authors.js';
import { MESSAGE_SUBMIT_KIND, type MessageSubmitWork } from './kinds.js';
import { enqueue } from './outbox/index.js';

/** A verified message (shape and signature checked) to accept. */
export interface MessageAcceptance {
  readonly work: MessageSubmitWork;
  readonly content: string;
  readonly requestId: string;
}

export interface AcceptQueue {
  /**
   * Resolves once the PENDING row, its MessageSubmitted event and its outbox item are committed: true when new,
   * false when the same signed action was accepted before. Rejects NOT_FOUND (thread), NOT_CO_AUTHOR,
   * DUPLICATE_CONTENT (another author's identical message in the thread) with nothing written.
   */
  accept(a: MessageAcceptance): Promise<boolean>;
}

export interface AcceptQueueOptions {
  /** Called after a commit that enqueued something, so the workers start at once. */
  readonly onCommitted?: () => void;
  /** Most messages per commit (default 256). */
  readonly maxBatch?: number;
}

interface Waiting {
  readonly a: MessageAcceptance;
  /** The item's payload with the submitting request's flow ids, taken at submission (the commit runs elsewhere). */
  readonly payload: MessageSubmitWork;
  readonly resolve: (created: boolean) => void;
  readonly reject: (err: unknown) => void;
}

/** Attempts of one batch aborted by a deadlock or serialization failure (40P01, 40001). */
const CONFLICT_ATTEMPTS = 5;
const isConflict = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
};

const INSERT_SQL = `
INSERT INTO messages (address, thread_address, content_hash, author, content, status)
SELECT a, t, h, au, c, 'PENDING' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(a, t, h, au, c)
ON CONFLICT DO NOTHING
RETURNING address`;

export function createAcceptQueue(pool: pg.Pool, o: AcceptQueueOptions = {}): AcceptQueue {
  const maxBatch = o.maxBatch ?? 256;
  let queue: Waiting[] = [];
  let draining = false;

  /** The next batch: in arrival order, at most one message per address (a repeat waits for the next commit). */
  function take(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const addresses = new Set<string>();
    for (const w of queue) {
      if (batch.length < maxBatch && !addresses.has(w.a.work.address)) {
        addresses.add(w.a.work.address);
        batch.push(w);
      } else rest.push(w);
    }
    queue = rest;
    return batch;
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await commitOrSplit(take());
    } finally {
      draining = false;
    }
  }

  async function commitOrSplit(batch: Waiting[]): Promise<void> {
    let outcomes: Map<Waiting, boolean | ChoirError>;
    try {
      outcomes = await commitRetryingConflicts(batch);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      // One message's unexpected failure (a constraint, a value Postgres refuses) must not be the others'.
      for (const w of batch) await commitOrSplit([w]);
      return;
    }
    if ([...outcomes.values()].some((v) => v === true)) o.onCommitted?.();
    for (const w of batch) {
      const v = outcomes.get(w);
      if (typeof v === 'boolean') w.resolve(v);
      else w.reject(v);
    }
  }

  /**
   * A deadlock or serialization failure is nobody's fault: the indexer upserts the same rows in its own batches
   * (a record it streams while we accept it again), and Postgres aborts one side. Try the batch again, briefly.
   */
  async function commitRetryingConflicts(batch: readonly Waiting[]): Promise<Map<Waiting, boolean | ChoirError>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await commit(batch);
      } catch (err) {
        if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  /** One transaction for the batch; per-message refusals are outcomes, not thrown. */
  async function commit(batch: readonly Waiting[]): Promise<Map<Waiting, boolean | ChoirError>> {
    const outcomes = new Map<Waiting, boolean | ChoirError>();
    const coAuthors = await coAuthorsOfThreads(pool, [...new Set(batch.map((w) => w.a.work.thread))]);
    const members = batch.filter(({ a: { work } }, i) => {
      const keys = coAuthors.get(work.thread);
      const refusal = !keys
        ? threadNotFound(work.thread)
        : keys.includes(work.author)
          ? undefined
          : notCoAuthor(work.author, work.thread, 'author');
      if (refusal) outcomes.set(batch[i] as Waiting, refusal);
      return refusal === undefined;
    });
    if (members.length === 0) return outcomes;
    // Rows locked in address order, as the indexer writes them (write-rows.ts): two writers of the same rows then
    // queue behind each other instead of deadlocking.
    members.sort((x, y) => compareCodeUnits(x.a.work.address, y.a.work.address));

    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ address: string }>(INSERT_SQL, [
        members.map((w) => w.a.work.address),
        members.map((w) => w.a.work.thread),
        members.map((w) => w.a.work.contentHash),
        members.map((w) => w.a.work.author),
        members.map((w) => w.a.content),
      ]);
      const inserted = new Set(rows.map((r) => r.address));
      const created: Waiting[] = [];
      for (const w of members) {
        const v = inserted.has(w.a.work.address) ? true : await acceptAgain(client, w.a);
        outcomes.set(w, v);
        if (v === true) created.push(w);
      }
      const events = await appendEvents(
        client,
        created.map(({ a: { work, requestId } }) => ({
          threadAddress: work.thread,
          type: 'MessageSubmitted' as const,
          payload: { messageAddress: work.address, contentHash: work.contentHash, author: work.author, requestId },
        })),
      );
      await enqueue(
        client,
        created.map((w, i) => ({
          kind: MESSAGE_SUBMIT_KIND,
          key: w.a.work.address,
          payload: { ...w.payload, eventId: events[i]?.sequence.toString() },
        })),
      );
      await client.query('COMMIT');
      return outcomes;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  return {
    accept(a) {
      return new Promise<boolean>((resolve, reject) => {
        // The flow ids (request, trace) of the caller, and when it was accepted: the start of transaction latency.
        const payload = withFlow({ ...a.work, acceptedAt: Date.now() }, { requestId: a.requestId });
        queue.push({ a, payload, resolve, reject });
        if (draining) return;
        draining = true;
        // After the caller's synchronous code: messages submitted in the same tick share the first commit.
        queueMicrotask(() => void drain());
      });
    },
  };
}

/**
 * The message's row already exists. Same author: the same signed action again; only a rolled-back attempt, or a
 * message the chain has without our content copy, has anything left to do (then it is accepted anew: true).
 * Another author: the thread holds this content already.
 */
async function acceptAgain(client: pg.ClientBase, a: MessageAcceptance): Promise<boolean | ChoirError> {
  const { address, thread, author } = a.work;
  const { rows } = await client.query<{ author: string; status: string; has_content: boolean }>(
    'SELECT author, status, content IS NOT NULL AS has_content FROM messages WHERE address = $1 FOR UPDATE',
    [address],
  );
  const row = rows[0];
  if (row && row.author !== author) {
    return new ChoirError('DUPLICATE_CONTENT', `thread ${thread} already holds this content`, {
      details: { threadAddress: thread, messageAddress: address },
    });
  }
  if (row && row.status !== 'ROLLED_BACK' && row.has_content) return false;
  await client.query(
    `UPDATE messages SET content = $2, last_error = NULL,
            status = CASE WHEN status = 'ROLLED_BACK' THEN 'PENDING'::message_status ELSE status END,
            updated_at = now()
      WHERE address = $1`,
    [address, a.content],
  );
  return true;
}
