/**
 * A message the chain retracted (its slot died) goes back to the state it had before the indexer saw it (the undo
 * log restores that image): PENDING/STORED, or RECORDED without a slot. Its submission item is done by then, so
 * this re-arms it; the worker asks the chain before sending, so a message that did land is not sent again.
 * Only recently finished items are looked at: a fork is settled within the finality window.
 *
 * A RECORDED row without a slot is also what a message looks like while the indexer has not seen it yet — for
 * as long as the indexer is down. So such a row is only re-armed once the indexer has committed since (its cursor
 * moved `grace` seconds past the row's last change: it is streaming and still did not place the message), and each
 * further re-arm of the same item waits twice as long as the one before (up to 10 minutes): the item's `attempts`
 * are kept across re-arms to count them.
 */
import type pg from 'pg';
import { MESSAGE_SUBMIT_KIND } from './kinds.js';

/** Longest wait between two re-arms of the same RECORDED row. */
const MAX_BACKOFF_SECONDS = 600;

export async function resendRetracted(pool: pg.Pool, withinMinutes = 30, graceSeconds = 20): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE outbox o SET state = 'PENDING', next_attempt_at = now(), locked_by = NULL, locked_until = NULL,
            updated_at = now()
       FROM messages m
      WHERE o.kind = $1 AND o.state = 'DONE' AND o.updated_at > now() - make_interval(mins => $2)
        AND m.address = o.key AND m.content IS NOT NULL
        AND (m.status IN ('PENDING', 'STORED')
             OR (m.status = 'RECORDED' AND m.slot IS NULL
                 AND m.updated_at < now() - make_interval(secs => $3)
                 AND EXISTS (SELECT 1 FROM indexer_cursors c
                              WHERE c.updated_at > m.updated_at + make_interval(secs => $3))
                 AND o.updated_at < now() - make_interval(
                       secs => least($4, $3 * power(2, greatest(o.attempts - 1, 0))))))`,
    [MESSAGE_SUBMIT_KIND, withinMinutes, graceSeconds, MAX_BACKOFF_SECONDS],
  );
  return rowCount ?? 0;
}
