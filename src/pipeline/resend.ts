/**
 * A message the chain retracted (its slot died) goes back to the state it had before the indexer saw it (the undo
 * log restores that image): PENDING/STORED, or RECORDED without a slot. Its submission item is done by then, so
 * this re-arms it; the worker asks the chain before sending, so a message that did land is not sent again.
 * Only recently finished items are looked at: a fork is settled within the finality window.
 */
import type pg from 'pg';
import { MESSAGE_SUBMIT_KIND } from './kinds.js';

export async function resendRetracted(pool: pg.Pool, withinMinutes = 30, graceSeconds = 20): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE outbox o SET state = 'PENDING', next_attempt_at = now(), attempts = 0, locked_by = NULL,
            locked_until = NULL, updated_at = now()
       FROM messages m
      WHERE o.kind = $1 AND o.state = 'DONE' AND o.updated_at > now() - make_interval(mins => $2)
        AND m.address = o.key AND m.content IS NOT NULL
        AND (m.status IN ('PENDING', 'STORED')
             OR (m.status = 'RECORDED' AND m.slot IS NULL AND m.updated_at < now() - make_interval(secs => $3)))`,
    [MESSAGE_SUBMIT_KIND, withinMinutes, graceSeconds],
  );
  return rowCount ?? 0;
}
