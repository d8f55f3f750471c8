/**
 * The seed's `sync_state` rules over one thread's state (pure). The chain is the reference: each of its records
 * must have a point holding its content (hash, thread, author, co-authors and the content itself agreeing) and a
 * Postgres row with its hash and author; co-authors must be equal in all three; the content root recomputed from
 * the hashes in order must equal the chain's. Chain changes the indexer has not applied yet are counted as in
 * flight, not reported: Postgres and the points' co-authors follow the chain through the indexer.
 */
import bs58 from 'bs58';
import { type MessageAccount, nextContentRoot } from '../../programs/choir/client/index.js';
import { sha256Hex } from '../vector/point-id.js';
import type { PointPayload } from '../vector/types.js';
import type { ThreadState } from './read-state.js';
import { voteDifference, votesOnRecord } from './record-votes.js';
import type { Difference } from './types.js';

export interface Comparison {
  readonly differences: Difference[];
  readonly inFlight: number;
  readonly rootChecked: boolean;
}

export const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Content that is the record's: it hashes to the on-chain content hash. */
export const holdsContent = (content: string | null | undefined, hash: string): content is string =>
  typeof content === 'string' && sha256Hex(content) === hash;

/** What is wrong with a point, if anything; co-authors last, as the only field that may be in flight. */
function pointDifference(
  point: PointPayload,
  m: MessageAccount,
  hash: string,
  state: ThreadState,
): { detail: string; coAuthorsOnly: boolean } | undefined {
  const wrong = (detail: string) => ({ detail, coAuthorsOnly: false });
  if (point.content_hash !== hash) return wrong(`point has hash ${point.content_hash}, the chain ${hash}`);
  if (point.thread_id !== state.threadAddress) return wrong(`point names thread ${point.thread_id}`);
  if (point.author !== m.author) return wrong(`point names author ${point.author}, the chain ${m.author}`);
  if (!holdsContent(point.content, hash)) return wrong('point content does not hash to the on-chain content hash');
  const chain = state.chain.account.coAuthors;
  if (!same(point.co_authors, chain)) {
    const detail = `point lists co-authors [${point.co_authors.join(', ')}], the chain [${chain.join(', ')}]`;
    return { detail, coAuthorsOnly: true };
  }
  return undefined;
}

export function compare(state: ThreadState): Comparison {
  const differences: Difference[] = [];
  let inFlight = 0;
  const { account, messages } = state.chain;
  const applied = (slot: bigint) => state.indexer === null || slot <= state.indexer.slot;
  const coAuthors = account.coAuthors;
  const threadApplied = applied(account.updatedSlot);
  // Co-authors reach the points through Postgres and then the outbox: while the indexer has not applied the chain's
  // list, or an update is queued, a point with the previous list is on its way, not wrong.
  const pointCoAuthorsSettled =
    (threadApplied || same(state.coAuthors, account.coAuthors)) && !state.coAuthorUpdateQueued;

  if (!state.threadRow) {
    if (applied(account.createdSlot)) {
      differences.push({
        kind: 'missing_row',
        address: state.threadAddress,
        detail: 'thread on chain, not in Postgres',
      });
    } else inFlight += 1;
  } else if (!same(state.coAuthors, coAuthors)) {
    if (threadApplied) {
      differences.push({
        kind: 'co_author_mismatch',
        address: state.threadAddress,
        detail: `Postgres lists [${state.coAuthors.join(', ')}], the chain [${coAuthors.join(', ')}]`,
      });
    } else inFlight += 1;
  }

  for (const [address, m] of messages) {
    const hash = hexOf(m.contentHash);
    const row = state.rows.get(address);
    const point = state.points.get(address);
    if (!row) {
      if (applied(m.createdSlot))
        differences.push({ kind: 'missing_row', address, detail: 'on chain, not in Postgres' });
      else inFlight += 1;
    } else if (row.content_hash !== hash || row.author !== m.author) {
      differences.push({
        kind: 'row_mismatch',
        address,
        detail: `Postgres has hash ${row.content_hash} by ${row.author}, the chain ${hash} by ${m.author}`,
      });
    } else {
      const votes = voteDifference(votesOnRecord(m, coAuthors), state.votes.get(address) ?? new Map());
      if (votes !== null) {
        // A vote is a write of the record: until the indexer has applied it, Postgres may lag by that vote.
        if (applied(m.updatedSlot)) differences.push({ kind: 'vote_mismatch', address, detail: votes });
        else inFlight += 1;
      }
    }
    if (!point) {
      // Only a copy of the content can restore a point; without one the content exists nowhere off chain.
      if (holdsContent(row?.content, hash)) differences.push({ kind: 'missing_point', address, detail: 'no point' });
      else differences.push({ kind: 'content_lost', address, detail: 'no point and no content copy in Postgres' });
    } else {
      const wrong = pointDifference(point, m, hash, state);
      if (wrong?.coAuthorsOnly && !pointCoAuthorsSettled) inFlight += 1;
      else if (wrong) differences.push({ kind: 'payload_mismatch', address, detail: wrong.detail });
    }
  }

  // The root folds published messages and approved specs in the order they entered the thread. Messages carry
  // that order (index); approved specs do not, so with any approved spec the root cannot be recomputed here.
  // The records are read after the Thread account: ones posted in between (index past its message count) are not in
  // the root it holds yet.
  const included = [...messages.values()].filter(
    (m) =>
      m.status === 'Approved' ||
      (m.status === 'Published' && !(m.messageKind === 'message' && m.index >= account.messageCount)),
  );
  const rootChecked = included.every((m) => m.messageKind === 'message');
  if (rootChecked) {
    let root: Uint8Array = new Uint8Array(32);
    for (const m of included.sort((a, b) => Number(a.index - b.index))) root = nextContentRoot(root, m.contentHash);
    if (!Buffer.from(root).equals(Buffer.from(account.contentRoot))) {
      differences.push({
        kind: 'root_mismatch',
        address: state.threadAddress,
        detail: `recomputed ${bs58.encode(root)}, chain ${bs58.encode(account.contentRoot)}`,
      });
    }
  }
  return { differences, inFlight, rootChecked };
}
