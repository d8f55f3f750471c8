import { type Sql, toVote, VOTE_COLUMNS, type VoteRecord } from './records.js';

/** Votes of many messages in one statement, grouped by message address (voter order). */
export async function votesByMessage(sql: Sql, addresses: readonly string[]): Promise<Map<string, VoteRecord[]>> {
  const { rows } = await sql.query(
    `SELECT ${VOTE_COLUMNS} FROM votes v WHERE v.message_address = ANY($1::text[]) ORDER BY v.message_address, v.voter`,
    [addresses],
  );
  const out = new Map<string, VoteRecord[]>();
  for (const raw of rows) {
    const v = toVote(raw);
    const list = out.get(v.messageAddress);
    if (list) list.push(v);
    else out.set(v.messageAddress, [v]);
  }
  return out;
}
