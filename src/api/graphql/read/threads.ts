/** Thread reads: by address (batched), and keyset pages by creation time. */
import { decodeCursor, encodeCursor } from './cursor.js';
import { countOrEstimate } from './estimate.js';
import { type Page, toPage } from './page.js';
import { prepared, type Sql, THREAD_COLUMNS, type ThreadRecord, toThread } from './records.js';
import {
  type FoldedRelations,
  foldedRelations,
  hasRelations,
  keepLastEvent,
  NO_RELATIONS,
  relationColumns,
  type ThreadRelations,
} from './thread-relations.js';

export type ThreadOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

export interface ThreadPageArgs {
  first: number;
  after?: string | null;
  coAuthor?: string | null;
  creator?: string | null;
  orderBy: ThreadOrder;
}

export const threadCursor = (t: ThreadRecord) => encodeCursor('t', [t.createdAt, t.address]);

export async function threadsByAddress(sql: Sql, addresses: readonly string[]): Promise<ThreadRecord[]> {
  const { rows } = await sql.query(`SELECT ${THREAD_COLUMNS} FROM threads t WHERE t.address = ANY($1::text[])`, [
    addresses,
  ]);
  return rows.map(toThread);
}

export interface ThreadWithRelations {
  readonly thread: ThreadRecord;
  readonly folded: FoldedRelations;
}

/** Threads by address with `relations` folded into each row: one prepared statement, whatever is folded in. */
export async function threadsWithRelations(
  sql: Sql,
  addresses: readonly string[],
  relations: ThreadRelations,
): Promise<ThreadWithRelations[]> {
  const extra = relationColumns(relations, 1);
  // One address (the usual `thread(address)`) as `= $1`: Postgres estimates `= ANY($1)` at several rows, so the
  // generic plan never looks as cheap as a custom one and the statement would be planned on every execution.
  const one = addresses.length === 1;
  const { rows } = await sql.query(
    prepared(
      `thread_${one ? '1' : 'n'}_${extra.shape}`,
      `SELECT ${THREAD_COLUMNS}${extra.sql} FROM threads t WHERE ${one ? 't.address = $1' : 't.address = ANY($1::text[])'}`,
    ),
    [one ? addresses[0] : addresses, ...extra.values],
  );
  return rows.map((raw) => {
    const thread = toThread(raw);
    keepLastEvent(thread, raw, relations);
    return { thread, folded: foldedRelations(sql, raw, relations) };
  });
}

export async function threadsById(sql: Sql, threadIds: readonly string[]): Promise<ThreadRecord[]> {
  const { rows } = await sql.query(`SELECT ${THREAD_COLUMNS} FROM threads t WHERE t.thread_id = ANY($1::bpchar[])`, [
    threadIds,
  ]);
  return rows.map(toThread);
}

/** The filters shared by a page and its count: parameters $1 (co-author) and $2 (creator). */
const FILTER = `($1::text IS NULL OR EXISTS (SELECT 1 FROM thread_co_authors c
                                              WHERE c.thread_address = t.address AND c.pubkey = $1))
            AND ($2::text IS NULL OR t.creator = $2)`;

/** A page of threads; `relations` are folded into each row (`folded`, by thread address). */
export async function threadPage(
  sql: Sql,
  args: ThreadPageArgs,
  relations: ThreadRelations = NO_RELATIONS,
): Promise<Page<ThreadRecord> & { readonly folded: ReadonlyMap<string, FoldedRelations> }> {
  const desc = args.orderBy === 'NEWEST_FIRST';
  const [at, address] = args.after ? decodeCursor('t', args.after, 2) : [null, null];
  const op = desc ? '<' : '>';
  const dir = desc ? 'DESC' : 'ASC';
  const extra = relationColumns(relations, 5);
  const { rows } = await sql.query(
    `SELECT ${THREAD_COLUMNS}${extra.sql} FROM threads t
      WHERE ${FILTER}
        AND ($3::timestamptz IS NULL OR (t.created_at, t.address) ${op} ($3::timestamptz, $4::text))
      ORDER BY t.created_at ${dir}, t.address ${dir} LIMIT $5`,
    [args.coAuthor ?? null, args.creator ?? null, at, address, args.first + 1, ...extra.values],
  );
  const folded = new Map<string, FoldedRelations>();
  if (hasRelations(relations)) {
    // The extra row (LIMIT first + 1) only says there is a next page: fold nothing of it.
    for (const raw of rows.slice(0, args.first))
      folded.set(raw.address as string, foldedRelations(sql, raw, relations));
  }
  const count = async () => {
    const { rows: n } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM threads t WHERE ${FILTER}`, [
      args.coAuthor ?? null,
      args.creator ?? null,
    ]);
    return n[0]?.n ?? 0;
  };
  const unfiltered = !args.coAuthor && !args.creator;
  const records = rows.map((raw) => {
    const thread = toThread(raw);
    keepLastEvent(thread, raw, relations);
    return thread;
  });
  const page = toPage(records, args.first, args.after, threadCursor, () =>
    unfiltered ? countOrEstimate(sql, 'threads', count) : count(),
  );
  return { ...page, folded };
}

/** Co-authors of each thread in on-chain order (creator first). */
export async function coAuthorsByThread(sql: Sql, addresses: readonly string[]): Promise<Map<string, string[]>> {
  const { rows } = await sql.query<{ thread_address: string; pubkey: string }>(
    `SELECT thread_address, pubkey FROM thread_co_authors
      WHERE thread_address = ANY($1::text[]) ORDER BY thread_address, position`,
    [addresses],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.thread_address);
    if (list) list.push(r.pubkey);
    else out.set(r.thread_address, [r.pubkey]);
  }
  return out;
}
