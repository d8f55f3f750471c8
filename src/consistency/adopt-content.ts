/**
 * Content for records that have none off chain. A record written straight to the chain (`choir devnet seed`, a
 * wallet that skipped the API) has its hash on chain and no content anywhere off chain: its row has no copy, the
 * vector store no point, sync reports `content_lost`. Whoever holds the text can hand it over: each text is
 * stored as the row's copy only if it hashes to the row's content hash (nobody can put other words in a record),
 * then a reconcile of the touched threads embeds the copies into points (`restore_point`, one Recovered event
 * each), after which search finds them and sync is clean.
 */
import { ChoirError } from '../errors/index.js';
import { isRecordAddress } from '../vector/point-id.js';
import { type ReconcileDeps, reconcileThread } from './reconcile.js';

export interface OfferedContent {
  readonly address: string;
  readonly content: string;
}

export interface AdoptReport {
  /** Copies stored now. */
  readonly stored: number;
  /** Rows that already held a copy (nothing to do). */
  readonly held: number;
  /** Texts that do not hash to their record's content hash: refused. */
  readonly mismatched: string[];
  /**
   * Records not indexed at `confirmed` yet (no row, or a row still PROCESSED; reconcile reads the chain at
   * confirmed, so their points could not be restored yet): offer them again shortly.
   */
  readonly notIndexed: string[];
  /** Points restored by the reconcile of the touched threads. */
  readonly pointsRestored: number;
}

/** Most texts one call takes. */
export const MAX_OFFERED = 10_000;

export function parseOffered(body: unknown, maxContentBytes: number): OfferedContent[] {
  const list = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_OFFERED) {
    throw new ChoirError('BAD_USER_INPUT', `messages must be a list of 1 to ${MAX_OFFERED} { address, content }`);
  }
  return list.map((m, i) => {
    const { address, content } = (m ?? {}) as Record<string, unknown>;
    if (!isRecordAddress(address)) {
      throw new ChoirError('BAD_USER_INPUT', `messages[${i}].address must be a record address (base58, 32 bytes)`);
    }
    if (typeof content !== 'string' || content.length === 0 || content.includes('\u0000')) {
      throw new ChoirError('BAD_USER_INPUT', `messages[${i}].content must be non-empty text without NUL`);
    }
    if (Buffer.byteLength(content) > maxContentBytes) {
      throw new ChoirError('BAD_USER_INPUT', `messages[${i}].content is over ${maxContentBytes} bytes`);
    }
    return { address, content };
  });
}

export async function adoptContent(
  deps: ReconcileDeps,
  offered: readonly OfferedContent[],
  onProgress?: (p: { done: number; total: number }) => void,
): Promise<AdoptReport> {
  const { rows } = await deps.pool.query<{ address: string; thread_address: string; outcome: string }>(
    `WITH offered AS (
       SELECT o.address, o.content, encode(sha256(convert_to(o.content, 'UTF8')), 'hex') AS hash
         FROM unnest($1::text[], $2::text[]) AS o(address, content)
     ), stored AS (
       UPDATE messages m SET content = o.content, updated_at = now()
         FROM offered o
        WHERE m.address = o.address AND m.content IS NULL AND m.content_hash = o.hash
          AND m.commitment IN ('CONFIRMED', 'FINALIZED')
       RETURNING m.address, m.thread_address
     )
     SELECT o.address, coalesce(s.thread_address, m.thread_address) AS thread_address,
            CASE WHEN s.address IS NOT NULL THEN 'stored'
                 WHEN m.address IS NULL OR m.commitment NOT IN ('CONFIRMED', 'FINALIZED') THEN 'not_indexed'
                 WHEN m.content_hash <> o.hash THEN 'mismatched'
                 ELSE 'held' END AS outcome
       FROM offered o
       LEFT JOIN stored s ON s.address = o.address
       LEFT JOIN messages m ON m.address = o.address`,
    [offered.map((o) => o.address), offered.map((o) => o.content)],
  );
  const of = (outcome: string) => rows.filter((r) => r.outcome === outcome);
  const threads = [...new Set(of('stored').map((r) => r.thread_address))];
  let pointsRestored = 0;
  for (const [i, thread] of threads.entries()) {
    const report = await reconcileThread(deps, thread);
    pointsRestored += report.repairs.filter((r) => r.action === 'restore_point').length;
    onProgress?.({ done: i + 1, total: threads.length });
  }
  return {
    stored: of('stored').length,
    held: of('held').length,
    mismatched: of('mismatched').map((r) => r.address),
    notIndexed: of('not_indexed').map((r) => r.address),
    pointsRestored,
  };
}
