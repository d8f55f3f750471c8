/**
 * Message reads: by address and by (thread, content hash) in batches, keyset pages over all messages or one
 * thread's, and one thread page per thread for many threads in one statement (LATERAL), which is what a list of
 * threads with their latest messages costs: one query, not one per thread.
 */
import { decodeCursor, encodeCursor } from './cursor.js';
import { countOrEstimate } from './estimate.js';
import { type Page, toPage } from './page.js';
import { MESSAGE_COLUMNS, type MessageRecord, type Sql, toMessage } from './records.js';

export type MessageOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

export interface MessageFilter {
  status?: string | null;
  kind?: string | null;
  author?: string | null;
}

export interface MessagePageArgs extends MessageFilter {
  first: number;
  after?: string | null;
  orderBy: MessageOrder;
}

export const messageCursor = (m: MessageRecord) => encodeCursor('m', [m.createdAt, m.address]);

export async function messagesByAddress(sql: Sql, addresses: readonly string[]): Promise<MessageRecord[]> {
  const { rows } = await sql.query(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.address = ANY($1::text[])`, [
    addresses,
  ]);
  return rows.map(toMessage);
}

/** Messages by (thread address, content hash) pairs, on the (thread_address, content_hash) unique index. */
export async function messagesByHash(
  sql: Sql,
  pairs: readonly { threadAddress: string; hash: string }[],
): Promise<MessageRecord[]> {
  const { rows } = await sql.query(
    `SELECT ${MESSAGE_COLUMNS} FROM unnest($1::text[], $2::bpchar[]) AS q(thread_address, content_hash)
       JOIN messages m ON m.thread_address = q.thread_address AND m.content_hash = q.content_hash`,
    [pairs.map((p) => p.threadAddress), pairs.map((p) => p.hash)],
  );
  return rows.map(toMessage);
}

export interface Built {
  /** What the text depends on, for naming a prepared statement: order, then each filter present. */
  shape: string;
  where: string;
  order: string;
  values: unknown[];
}

/**
 * WHERE (filters and keyset) and ORDER BY of a page, with its parameters numbered from `$${offset + 1}`. Only the
 * filters given appear in the text (no `$n IS NULL OR …`), so a prepared statement's generic plan is as good as a
 * custom one and Postgres stops planning it per execution.
 */
export function build(args: MessagePageArgs, offset: number): Built {
  const desc = args.orderBy === 'NEWEST_FIRST';
  const conditions: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${offset + values.length}`;
  };
  if (args.status) conditions.push(`m.status = ${param(args.status)}::message_status`);
  if (args.kind) conditions.push(`m.kind = ${param(args.kind)}::message_kind`);
  if (args.author) conditions.push(`m.author = ${param(args.author)}`);
  if (args.after) {
    const [at, address] = decodeCursor('m', args.after, 2);
    conditions.push(
      `(m.created_at, m.address) ${desc ? '<' : '>'} (${param(at)}::timestamptz, ${param(address)}::text)`,
    );
  }
  const dir = desc ? 'DESC' : 'ASC';
  const shape = `${desc ? 'd' : 'a'}${args.status ? 's' : ''}${args.kind ? 'k' : ''}${args.author ? 'u' : ''}${args.after ? 'c' : ''}`;
  return {
    shape,
    where: conditions.length ? conditions.join(' AND ') : 'TRUE',
    order: `ORDER BY m.created_at ${dir}, m.address ${dir}`,
    values,
  };
}

async function countMessages(sql: Sql, filter: MessageFilter, threadAddress: string | null): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM messages m
      WHERE ($1::text IS NULL OR m.thread_address = $1)
        AND ($2::message_status IS NULL OR m.status = $2)
        AND ($3::message_kind IS NULL OR m.kind = $3)
        AND ($4::text IS NULL OR m.author = $4)`,
    [threadAddress, filter.status ?? null, filter.kind ?? null, filter.author ?? null],
  );
  return rows[0]?.n ?? 0;
}

/** A page of one thread's messages, or of all messages when `threadAddress` is null. */
export async function messagePage(
  sql: Sql,
  threadAddress: string | null,
  args: MessagePageArgs,
): Promise<Page<MessageRecord>> {
  const b = build(args, 2);
  const { rows } = await sql.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE ${threadAddress === null ? '$1::text IS NULL' : 'm.thread_address = $1'} AND ${b.where}
      ${b.order} LIMIT $2`,
    [threadAddress, args.first + 1, ...b.values],
  );
  const unfiltered = threadAddress === null && !args.status && !args.kind && !args.author;
  return toPage(rows.map(toMessage), args.first, args.after, messageCursor, () =>
    unfiltered
      ? countOrEstimate(sql, 'messages', () => countMessages(sql, args, null))
      : countMessages(sql, args, threadAddress),
  );
}

/** The same page of each of many threads, in one statement. */
export async function messagePagesByThread(
  sql: Sql,
  threadAddresses: readonly string[],
  args: MessagePageArgs,
): Promise<Map<string, Page<MessageRecord>>> {
  const b = build(args, 2);
  const { rows } = await sql.query(
    `SELECT ${MESSAGE_COLUMNS} FROM unnest($1::text[]) AS q(thread_address)
      CROSS JOIN LATERAL (SELECT * FROM messages m
                           WHERE m.thread_address = q.thread_address AND ${b.where}
                           ${b.order} LIMIT $2) m`,
    [threadAddresses, args.first + 1, ...b.values],
  );
  const byThread = new Map<string, MessageRecord[]>();
  for (const raw of rows) {
    const m = toMessage(raw);
    const list = byThread.get(m.threadAddress);
    if (list) list.push(m);
    else byThread.set(m.threadAddress, [m]);
  }
  const out = new Map<string, Page<MessageRecord>>();
  for (const address of threadAddresses)
    out.set(address, threadMessagePage(sql, address, byThread.get(address) ?? [], args));
  return out;
}

/** One thread's page from its rows, read with LIMIT first + 1 (here or folded into a thread's row). */
export function threadMessagePage(
  sql: Sql,
  threadAddress: string,
  rows: readonly MessageRecord[],
  args: MessagePageArgs,
): Page<MessageRecord> {
  return toPage(rows, args.first, args.after, messageCursor, () => countMessages(sql, args, threadAddress));
}
