/**
 * A thread's relations folded into its own row: co-authors as an array, a page of its messages as JSON with each
 * message's votes inside. A thread page (thread + co-authors + latest messages with votes) is then one statement
 * instead of one per relation — the round trips, not the rows, were what a page cost. Only the relations the
 * operation selects are folded in (see loaders/look-ahead.ts); the loaders stay the general path.
 */
import { build, type MessagePageArgs, threadMessagePage } from './messages.js';
import type { Page } from './page.js';
import { MESSAGE_JSON, type MessageRecord, type Sql, VOTE_JSON, type VoteRecord } from './records.js';

/** What to fold into each thread row. */
export interface ThreadRelations {
  readonly coAuthors: boolean;
  /** The page of messages to fold in (the arguments its field resolver will ask the loader for), or none. */
  readonly messages: MessagePageArgs | null;
  /** The folded messages' votes. */
  readonly votes: boolean;
  /**
   * The MessageRecord fields the operation reads from the folded messages (null: all). Records folded with only
   * some fields serve this operation's `messages` field alone: they are not primed as whole messages.
   */
  readonly messageFields: readonly string[] | null;
  /**
   * The VoteRecord fields the operation reads from any vote (null or absent: all). The folded votes go into the
   * request's votes loader, which every `votes` field of the operation reads: so this is the union over all of them.
   */
  readonly voteFields?: readonly string[] | null;
  /**
   * The thread's last event (Thread.lastEventCursor, Thread.eventCount), read in the thread's own statement: a
   * client that loads a thread and then subscribes from that cursor misses nothing and sees nothing twice, since
   * the rows read with it (and any read after) reflect every event up to it.
   */
  readonly lastEvent?: boolean;
}

export const NO_RELATIONS: ThreadRelations = { coAuthors: false, messages: null, votes: false, messageFields: null };

export const hasRelations = (r: ThreadRelations) => r.coAuthors || r.messages !== null || r.lastEvent === true;

/** A thread's last event: its global sequence (the cursor's) and its thread sequence (the log's length). */
export interface LastEvent {
  readonly sequence: bigint;
  readonly threadSequence: number;
}

/**
 * Last events read along with thread records (keyed by the record object the statement produced, so only that
 * read's records carry one; a record from any other read has none and the field reads it on its own).
 */
const lastEvents = new WeakMap<object, LastEvent | null>();

export function foldedLastEvent(thread: object): LastEvent | null | undefined {
  return lastEvents.get(thread);
}

/** Attaches the last event folded into `raw` (by `relationColumns`) to the record made from it. */
// biome-ignore lint/suspicious/noExplicitAny: a raw row straight from pg
export function keepLastEvent(thread: object, raw: any, relations: ThreadRelations): void {
  if (!relations.lastEvent) return;
  const pair = raw.rel_last_event as [string, string] | null;
  lastEvents.set(thread, pair ? { sequence: BigInt(pair[0]), threadSequence: Number(pair[1]) } : null);
}

/** What came back folded into one thread's row. */
export interface FoldedRelations {
  readonly coAuthors: string[] | null;
  readonly messages: Page<MessageRecord> | null;
  /** Votes of each folded message (every one of them, empty lists included). */
  readonly votes: Map<string, VoteRecord[]> | null;
}

/**
 * The extra SELECT items of `relations` over threads aliased `t`, with parameters from `$${offset + 1}`, and the
 * shape they depend on (see `prepared`). The
 * message subquery keeps its ORDER BY … LIMIT on the (thread_address, created_at, address) index, and json_agg
 * folds rows in the order the subquery yields them.
 */
export function relationColumns(
  relations: ThreadRelations,
  offset: number,
): { sql: string; values: unknown[]; shape: string } {
  const items: string[] = [];
  // 'e' leads: no shape without it starts with one (they start with c, m or nothing).
  let shape = `${relations.lastEvent ? 'e' : ''}${relations.coAuthors ? 'c' : ''}`;
  const values: unknown[] = [];
  if (relations.lastEvent) {
    // One backward probe of events_thread_address_thread_sequence_key.
    items.push(`(SELECT ARRAY[e.sequence, e.thread_sequence]::text[] FROM events e
                  WHERE e.thread_address = t.address ORDER BY e.thread_sequence DESC LIMIT 1) AS rel_last_event`);
  }
  if (relations.coAuthors) {
    items.push(`(SELECT coalesce(array_agg(c.pubkey ORDER BY c.position), '{}') FROM thread_co_authors c
                  WHERE c.thread_address = t.address) AS rel_co_authors`);
  }
  const args = relations.messages;
  if (args) {
    const b = build(args, offset + 1);
    // Each message a JSON object keyed like MessageRecord (its votes under `votes` when asked), in page order.
    const vote = relations.votes ? VOTE_JSON(relations.voteFields ?? null) : null;
    const votes: Record<string, string> = vote
      ? {
          votes: `(SELECT coalesce(json_agg(${vote.sql} ORDER BY v.voter), '[]') FROM votes v
                    WHERE v.message_address = m.address)`,
        }
      : {};
    const json = MESSAGE_JSON(votes, relations.messageFields);
    items.push(`(SELECT coalesce(json_agg(p.o), '[]') FROM (SELECT ${json.sql} AS o FROM messages m
                  WHERE m.thread_address = t.address AND ${b.where} ${b.order} LIMIT $${offset + 1}) p)
                  AS rel_messages`);
    values.push(args.first + 1, ...b.values);
    shape += `m${b.shape}${vote ? 'v' : ''}${relations.messageFields ? `f${json.shape}` : ''}`;
    if (vote && relations.voteFields) shape += `w${vote.shape}`;
  }
  return { sql: items.map((i) => `, ${i}`).join(''), values, shape };
}

/** The relations folded into one raw thread row by `relationColumns`. */
// biome-ignore lint/suspicious/noExplicitAny: a raw row straight from pg
export function foldedRelations(sql: Sql, raw: any, relations: ThreadRelations): FoldedRelations {
  const coAuthors = relations.coAuthors ? (raw.rel_co_authors as string[]) : null;
  if (!relations.messages) return { coAuthors, messages: null, votes: null };
  const rows = raw.rel_messages as (MessageRecord & { votes?: VoteRecord[] })[];
  const votes = relations.votes ? new Map<string, VoteRecord[]>() : null;
  if (votes) {
    // The `votes` property stays on the record (deleting it would slow every later read of the object); the
    // schema's `votes` field is resolved from the loaders, which get these lists.
    for (const m of rows) votes.set(m.address, m.votes ?? []);
  }
  return { coAuthors, messages: threadMessagePage(sql, raw.address, rows, relations.messages), votes };
}
