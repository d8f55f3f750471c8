/**
 * A generic durable outbox on the `outbox` table. Producers enqueue work inside the transaction that makes it
 * necessary (so the work exists exactly when the change does); workers claim items with `FOR UPDATE SKIP LOCKED`
 * (several workers never take the same item), then complete them, or fail them with exponential backoff until
 * `maxAttempts`, after which the item is dead-lettered (state DEAD) for an operator to inspect.
 *
 * Items are unique by (kind, key): enqueuing an existing key replaces its payload and makes it runnable again.
 * That is "latest state wins" semantics, right for idempotent work such as "set this point's payload to X". A
 * worker that was running the older payload cannot then mark the newer one done: completion requires the claim
 * (locked_by + attempts) it took, and re-enqueueing clears the claim.
 */
import type pg from 'pg';

export interface OutboxEntry {
  readonly kind: string;
  readonly key: string;
  readonly payload: unknown;
}

export interface ClaimedItem<P = unknown> {
  readonly id: bigint;
  readonly kind: string;
  readonly key: string;
  readonly payload: P;
  /** This attempt's number, from 1. */
  readonly attempts: number;
  /** The claim token: completion and failure only apply to this exact claim. */
  readonly claim: { readonly worker: string; readonly attempts: number };
}

export interface ClaimOptions {
  readonly kind: string;
  readonly worker: string;
  readonly limit: number;
  /** How long a claim lasts; a worker that dies holding items loses them to others after this. */
  readonly leaseMs: number;
}

export interface FailOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Enqueues (or re-arms) items inside the caller's transaction. Set-based: one statement per call. */
export async function enqueue(client: pg.ClientBase, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // Duplicate keys within one call: the last payload wins (ON CONFLICT cannot touch a row twice in one statement).
  const latest = new Map<string, OutboxEntry>();
  for (const e of entries) latest.set(`${e.kind}\u0000${e.key}`, e);
  const items = [...latest.values()];
  await client.query(
    `INSERT INTO outbox (kind, key, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
     ON CONFLICT (kind, key) DO UPDATE
        SET payload = EXCLUDED.payload, state = 'PENDING', attempts = 0, next_attempt_at = now(),
            locked_by = NULL, locked_until = NULL, last_error = NULL, updated_at = now()`,
    [items.map((e) => e.kind), items.map((e) => e.key), items.map((e) => JSON.stringify(e.payload))],
  );
}

/**
 * Claims up to `limit` runnable items of `kind`: pending and due, or running with an expired lease.
 *
 * "Due" allows half a millisecond: the times are kept in milliseconds, rounded (timestamptz(3)), so an item made due
 * `now()` (enqueued, re-armed, or retried with no delay) can read up to 0.5 ms ahead of a `now()` taken just after
 * its commit, and would wait for the next poll.
 */
export async function claim<P = unknown>(db: pg.Pool | pg.ClientBase, o: ClaimOptions): Promise<ClaimedItem<P>[]> {
  const { rows } = await db.query<{ id: string; kind: string; key: string; payload: P; attempts: number }>(
    `UPDATE outbox o
        SET state = 'RUNNING', locked_by = $2, locked_until = now() + make_interval(secs => $4::float8 / 1000),
            attempts = o.attempts + 1, updated_at = now()
      WHERE o.id IN (
            SELECT id FROM outbox
             WHERE kind = $1
               AND ((state = 'PENDING' AND next_attempt_at <= now() + interval '0.5 milliseconds') OR (state = 'RUNNING' AND locked_until < now()))
             ORDER BY id
             LIMIT $3
               FOR UPDATE SKIP LOCKED)
     RETURNING o.id, o.kind, o.key, o.payload, o.attempts`,
    [o.kind, o.worker, o.limit, o.leaseMs],
  );
  rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  return rows.map((r) => ({
    id: BigInt(r.id),
    kind: r.kind,
    key: r.key,
    payload: r.payload,
    attempts: r.attempts,
    claim: { worker: o.worker, attempts: r.attempts },
  }));
}

/** Marks claimed items done. Items re-enqueued since they were claimed stay pending (their claim is gone). */
export async function complete(db: pg.Pool | pg.ClientBase, items: readonly ClaimedItem[]): Promise<number> {
  if (items.length === 0) return 0;
  const result = await db.query(
    `UPDATE outbox o SET state = 'DONE', locked_by = NULL, locked_until = NULL, last_error = NULL, updated_at = now()
       FROM unnest($1::int8[], $2::text[], $3::int4[]) AS c(id, worker, attempts)
      WHERE o.id = c.id AND o.state = 'RUNNING' AND o.locked_by = c.worker AND o.attempts = c.attempts`,
    [items.map((i) => i.id.toString()), items.map((i) => i.claim.worker), items.map((i) => i.claim.attempts)],
  );
  return result.rowCount ?? 0;
}

/**
 * Returns claimed items to the queue after a failure: due again after base * 2^(attempts-1) (capped, with
 * jitter), or DEAD once `maxAttempts` attempts have failed.
 */
export async function fail(
  db: pg.Pool | pg.ClientBase,
  items: readonly ClaimedItem[],
  error: string,
  o: FailOptions,
  random: () => number = Math.random,
): Promise<void> {
  if (items.length === 0) return;
  const delays = items.map((i) => {
    const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, i.claim.attempts - 1));
    return Math.floor(cap / 2 + (random() * cap) / 2);
  });
  await db.query(
    `UPDATE outbox o
        SET state = CASE WHEN o.attempts >= $5 THEN 'DEAD'::outbox_state ELSE 'PENDING'::outbox_state END,
            next_attempt_at = now() + make_interval(secs => c.delay_ms::float8 / 1000),
            locked_by = NULL, locked_until = NULL, last_error = $4, updated_at = now()
       FROM unnest($1::int8[], $2::text[], $3::int4[], $6::int4[]) AS c(id, worker, attempts, delay_ms)
      WHERE o.id = c.id AND o.state = 'RUNNING' AND o.locked_by = c.worker AND o.attempts = c.attempts`,
    [
      items.map((i) => i.id.toString()),
      items.map((i) => i.claim.worker),
      items.map((i) => i.claim.attempts),
      error.slice(0, 2000),
      o.maxAttempts,
      delays,
    ],
  );
}

/** Counts by state for one kind (status pages, tests). */
export async function outboxCounts(db: pg.Pool | pg.ClientBase, kind: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; n: string }>(
    'SELECT state, count(*) AS n FROM outbox WHERE kind = $1 GROUP BY state',
    [kind],
  );
  const counts: Record<string, number> = { PENDING: 0, RUNNING: 0, DONE: 0, DEAD: 0 };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}
