/**
 * A relayed thread creation or vote the chain rejected, told to subscribers the way a rejected message is: a
 * `MessageRolledBack` event (undo your optimistic entry) with the reason code, plus `action` saying which kind of
 * action it was. For a thread creation `messageAddress` is the thread's own address (as a thread's vector point
 * names it) and the event belongs to that thread; for a vote it is the spec voted on, with `voter` and `approve`.
 * The event is the durable record of the rejection (completing the item clears its `last_error`).
 */
import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';
import type { ChoirError } from '../errors/index.js';
import { appendEvents } from '../events/index.js';
import type { ChainRelayWork } from './kinds.js';
import type { ClaimedItem } from './outbox/index.js';

export async function recordRejection(pool: pg.Pool, item: ClaimedItem<ChainRelayWork>, err: ChoirError) {
  const w = item.payload;
  const common = { reason: err.code, message: err.message, action: w.action };
  const event =
    w.action === 'createThread'
      ? { threadAddress: w.address, payload: { messageAddress: w.address, contentHash: null, ...common } }
      : {
          threadAddress: w.thread,
          payload: {
            messageAddress: w.messageAddress,
            contentHash: w.contentHash,
            ...common,
            voter: w.voter,
            approve: w.approve,
          },
        };
  await inTransaction(pool, (client) => appendEvents(client, [{ ...event, type: 'MessageRolledBack' }]));
}
