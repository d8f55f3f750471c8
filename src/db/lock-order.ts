/**
 * The one order in which writers lock rows they share (message rows: the submission pipeline's accept and the
 * indexer's upsert): two multi-row writers that lock the same rows in different orders deadlock; in one order they
 * only queue. Code-unit order, which is also how Postgres sorts text in the "C" collation.
 */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
