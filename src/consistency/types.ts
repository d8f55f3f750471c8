/** What `syncThread` reports: each difference between the chain, the vector store and Postgres, typed. */
export type DifferenceKind =
  | 'missing_point'
  | 'payload_mismatch'
  | 'missing_row'
  | 'row_mismatch'
  | 'co_author_mismatch'
  | 'root_mismatch'
  | 'content_lost'
  | 'vote_mismatch';

export const DIFFERENCE_KINDS: readonly DifferenceKind[] = [
  'missing_point',
  'payload_mismatch',
  'missing_row',
  'row_mismatch',
  'co_author_mismatch',
  'root_mismatch',
  'content_lost',
  'vote_mismatch',
];

export interface Difference {
  readonly kind: DifferenceKind;
  /**
   * The message (or, for thread-level differences — co-authors, root, a thread row missing — the thread) the
   * difference is about.
   */
  readonly address: string;
  readonly detail: string;
}

export interface SyncReport {
  readonly threadAddress: string;
  readonly consistent: boolean;
  readonly differences: Difference[];
  /** On-chain records compared (messages and specs). */
  readonly chainMessages: number;
  readonly points: number;
  readonly rows: number;
  /**
   * Chain changes newer than what the indexer has applied (or co-author updates still queued for the vector store):
   * not compared yet, so not reported as differences. The next sync compares them.
   */
  readonly inFlight: number;
  /** False when the content root could not be recomputed (approved specs: their approval order is not stored). */
  readonly rootChecked: boolean;
  readonly timings: { chainMs: number; vectorMs: number; postgresMs: number; totalMs: number };
}
