/**
 * Degraded search: when the vector store or the embedder does not answer, the taxonomy's recovery for a failed
 * query is "fall back to the Postgres copy". Substring matches over the backend's copy of the content, newest
 * first, with the same filters. Meant for outages only: it is not ranked and scans the filtered messages.
 */
import { MESSAGE_COLUMNS, type MessageRecord, type Sql, toMessage } from './records.js';

export interface FallbackArgs {
  query: string;
  limit: number;
  threadAddress: string | null;
  author: string | null;
  coAuthor: string | null;
  statuses: string[] | null;
  kind: string | null;
  createdAfter: Date | null;
  createdBefore: Date | null;
}

export async function searchPostgres(sql: Sql, a: FallbackArgs): Promise<MessageRecord[]> {
  const pattern = `%${a.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await sql.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.content ILIKE $1
        AND ($2::text IS NULL OR m.thread_address = $2)
        AND ($3::text IS NULL OR m.author = $3)
        AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM thread_co_authors c
                                          WHERE c.thread_address = m.thread_address AND c.pubkey = $4))
        AND ($5::message_status[] IS NULL OR m.status = ANY($5))
        AND ($6::message_kind IS NULL OR m.kind = $6)
        AND ($7::timestamptz IS NULL OR m.created_at > $7)
        AND ($8::timestamptz IS NULL OR m.created_at < $8)
      ORDER BY m.created_at DESC LIMIT $9`,
    [pattern, a.threadAddress, a.author, a.coAuthor, a.statuses, a.kind, a.createdAfter, a.createdBefore, a.limit],
  );
  return rows.map(toMessage);
}
