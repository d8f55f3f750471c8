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
}

export const NO_RELATIONS: ThreadRelations = { coAuthors: false, messages: null, votes: false, messageFields: null };

export const hasRelations = (r: ThreadRelations) => r.coAuthors || r.messages !== null;

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
  let shape = relations.coAuthors ? 'c' : '';
  const values: unknown[] = [];
  if (relations.coAuthors) {
    items.push(`(SELECT coalesce(array_agg(c.pubkey ORDER BY c.position), '{}') FROM thread_co_authors c
                  WHERE c.thread_address = t.address) AS rel_co_authors`);
  }
  const args = relations.messages;
  if (args) {
    const b = build(args, offset + 1);
    // Each message a JSON object keyed like MessageRecord (its votes under `votes` when asked), in page order.
    const votes: Record<string, string> = relations.votes
      ? {
          votes: `(SELECT coalesce(json_agg(${VOTE_JSON} ORDER BY v.voter), '[]') FROM votes v
                    WHERE v.message_address = m.address)`,
        }
      : {};
    const json = MESSAGE_JSON(votes, relations.messageFields);
    items.push(`(SELECT coalesce(json_agg(p.o), '[]') FROM (SELECT ${json.sql} AS o FROM messages m
                  WHERE m.thread_address = t.address AND ${b.where} ${b.order} LIMIT $${offset + 1}) p)
                  AS rel_messages`);
    values.push(args.first + 1, ...b.values);
    shape += `m${b.shape}${relations.votes ? 'v' : ''}${relations.messageFields ? `f${json.shape}` : ''}`;
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
