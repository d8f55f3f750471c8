import { describe, expect, it } from 'vitest';
import { type MessageAccount, nextContentRoot, type ThreadAccount } from '../../programs/choir/client/index.js';
import { sha256Hex } from '../vector/point-id.js';
import type { PointPayload } from '../vector/types.js';
import { compare } from './compare.js';
import { CONTENT_LOST_PREFIX, planRepairs } from './plan-repairs.js';
import type { MessageRowState, ThreadState } from './read-state.js';

const THREAD = 'Thread1111111111111111111111111111111111111';
const AUTHOR = 'Author1111111111111111111111111111111111111';
const OTHER = 'Other11111111111111111111111111111111111111';

const hashOf = (text: string) => Buffer.from(sha256Hex(text), 'hex');

function message(text: string, index: number, slot = 10n): MessageAccount {
  return {
    kind: 'message',
    version: 1,
    bump: 255,
    messageKind: 'message',
    status: 'Published',
    approvals: 0,
    denials: 0,
    thread: THREAD,
    author: AUTHOR,
    contentHash: hashOf(text),
    index: BigInt(index),
    stake: 0n,
    expiresAt: 0n,
    createdAt: 1_700_000_000n,
    createdSlot: slot,
    updatedAt: 1_700_000_000n,
    updatedSlot: slot,
  };
}

/** A consistent thread of `texts`, each message at address `M<i>`; tests then break one part. */
function state(texts: string[], cursorSlot = 100n) {
  const messages = new Map(texts.map((t, i) => [`M${i}`, message(t, i)]));
  let root: Uint8Array = new Uint8Array(32);
  for (const t of texts) root = nextContentRoot(root, hashOf(t));
  const account = {
    coAuthors: [AUTHOR, OTHER],
    contentRoot: root,
    messageCount: BigInt(texts.length),
    createdSlot: 5n,
    updatedSlot: 10n,
  } as unknown as ThreadAccount;
  const points = new Map<string, PointPayload>(
    texts.map((t, i) => [
      `M${i}`,
      {
        message_address: `M${i}`,
        content_hash: sha256Hex(t),
        thread_id: THREAD,
        author: AUTHOR,
        co_authors: [AUTHOR, OTHER],
        status: 'CONFIRMED',
        slot: 10,
        created_at: 0,
        kind: 'message',
        content: t,
      },
    ]),
  );
  const rows = new Map<string, MessageRowState>(
    texts.map((t, i) => [
      `M${i}`,
      {
        address: `M${i}`,
        content_hash: sha256Hex(t),
        author: AUTHOR,
        content: t,
        status: 'CONFIRMED',
        slot: '10',
        created_at: new Date(0),
        last_error: null,
      },
    ]),
  );
  return {
    threadAddress: THREAD,
    chain: { account, lamports: 1n, messages },
    points,
    threadRow: true,
    rows,
    votes: new Map<string, Map<string, boolean>>(),
    coAuthors: [AUTHOR, OTHER],
    indexer: { slot: cursorSlot, confirmedSlot: cursorSlot, finalizedSlot: null },
    coAuthorUpdateQueued: false,
    timings: { chainMs: 0, vectorMs: 0, postgresMs: 0 },
  } satisfies ThreadState;
}

const kinds = (s: ThreadState) => compare(s).differences.map((d) => [d.kind, d.address]);

describe('compare', () => {
  it('finds nothing in a consistent thread and checks its root', () => {
    const s = state(['a', 'b', 'c']);
    expect(compare(s)).toEqual({ differences: [], inFlight: 0, rootChecked: true });
  });

  it('types each difference', () => {
    const s = state(['a', 'b', 'c', 'd', 'e', 'f']);
    s.points.delete('M0');
    s.points.set('M1', { ...(s.points.get('M1') as PointPayload), content_hash: '0'.repeat(64) });
    s.rows.delete('M2');
    s.rows.set('M3', { ...(s.rows.get('M3') as MessageRowState), author: OTHER });
    s.points.delete('M4');
    s.rows.set('M4', { ...(s.rows.get('M4') as MessageRowState), content: null });
    s.points.set('M5', { ...(s.points.get('M5') as PointPayload), content: 'not f' });
    s.coAuthors.splice(1, 1, AUTHOR);
    expect(kinds(s).sort()).toEqual(
      [
        ['co_author_mismatch', THREAD],
        ['missing_point', 'M0'],
        ['payload_mismatch', 'M1'],
        ['missing_row', 'M2'],
        ['row_mismatch', 'M3'],
        ['content_lost', 'M4'],
        ['payload_mismatch', 'M5'],
      ].sort(),
    );
  });

  it('detects a root that does not fold the hashes', () => {
    const s = state(['a', 'b']);
    s.chain.account.contentRoot = new Uint8Array(32);
    expect(kinds(s)).toEqual([['root_mismatch', THREAD]]);
  });

  it('leaves out of the root a record posted after the Thread account was read', () => {
    const s = state(['a', 'b']);
    s.chain.messages.set('M2', message('c', 2));
    s.points.set('M2', {
      ...(s.points.get('M0') as PointPayload),
      message_address: 'M2',
      content_hash: sha256Hex('c'),
      content: 'c',
    });
    s.rows.set('M2', {
      ...(s.rows.get('M0') as MessageRowState),
      address: 'M2',
      content_hash: sha256Hex('c'),
      content: 'c',
    });
    expect(compare(s).differences).toEqual([]);
    s.chain.account.messageCount = 3n;
    expect(kinds(s)).toEqual([['root_mismatch', THREAD]]);
  });

  it('counts changes the indexer has not applied as in flight, not as differences', () => {
    const s = state(['a', 'b'], 100n);
    s.chain.messages.set('M9', message('late', 2, 101n));
    s.chain.account.messageCount = 3n;
    s.points.set('M9', {
      ...(s.points.get('M0') as PointPayload),
      message_address: 'M9',
      content_hash: sha256Hex('late'),
      content: 'late',
    });
    s.chain.account.contentRoot = nextContentRoot(s.chain.account.contentRoot, hashOf('late'));
    expect(compare(s)).toMatchObject({ differences: [], inFlight: 1 });
    // The same record once the cursor passed its slot: a missing row.
    expect(kinds({ ...s, indexer: { slot: 101n, confirmedSlot: null, finalizedSlot: null } })).toEqual([
      ['missing_row', 'M9'],
    ]);
  });

  it('waits for a co-author change on its way to Postgres and the points', () => {
    const s = state(['a']);
    s.chain.account.coAuthors = [AUTHOR, OTHER, THREAD];
    s.chain.account.updatedSlot = 101n;
    expect(compare(s)).toMatchObject({ differences: [], inFlight: 2 });
    // Applied to Postgres, queued for the points.
    const applied = { ...s, coAuthors: [AUTHOR, OTHER, THREAD], coAuthorUpdateQueued: true };
    expect(compare(applied)).toMatchObject({ differences: [], inFlight: 1 });
    // Applied and no update queued: a point still without it is wrong.
    expect(kinds({ ...applied, coAuthorUpdateQueued: false })).toEqual([['payload_mismatch', 'M0']]);
  });
});

describe('compare: votes', () => {
  /** M0 is a spec the first co-author approved and the second denied (bits 0 and 1). */
  function voted(cursorSlot = 100n) {
    const s = state(['a'], cursorSlot);
    const m = s.chain.messages.get('M0') as MessageAccount;
    s.chain.messages.set('M0', { ...m, approvals: 0b01, denials: 0b10, updatedSlot: 20n });
    s.votes.set(
      'M0',
      new Map([
        [AUTHOR, true],
        [OTHER, false],
      ]),
    );
    return s;
  }

  it('finds nothing when Postgres holds exactly the bitmaps’ votes', () => {
    expect(kinds(voted())).toEqual([]);
  });

  it('reports a missing, a flipped and an extra vote, naming each voter', () => {
    const missing = voted();
    missing.votes.get('M0')?.delete(OTHER);
    const flipped = voted();
    flipped.votes.get('M0')?.set(AUTHOR, false);
    const extra = voted();
    const m = extra.chain.messages.get('M0') as MessageAccount;
    extra.chain.messages.set('M0', { ...m, denials: 0 });
    for (const [s, words] of [
      [missing, `${OTHER} denied on chain, no vote in Postgres`],
      [flipped, `${AUTHOR} approved on chain, the opposite in Postgres`],
      [extra, `${OTHER} has a vote in Postgres and none on chain`],
    ] as const) {
      expect(compare(s).differences).toEqual([{ kind: 'vote_mismatch', address: 'M0', detail: words }]);
    }
  });

  it('counts a vote the indexer has not applied as in flight', () => {
    const s = voted(15n); // the record changed at slot 20, the cursor is at 15
    s.votes.delete('M0');
    expect(compare(s)).toMatchObject({ differences: [], inFlight: 1 });
  });

  it('plans a vote rewrite for it', () => {
    const s = voted();
    s.votes.delete('M0');
    const plan = planRepairs(s, compare(s).differences);
    expect(plan.repairs.map((r) => [r.action, r.difference.address])).toEqual([['rewrite_votes', 'M0']]);
  });
});

describe('planRepairs', () => {
  const plan = (s: ThreadState) => {
    const p = planRepairs(s, compare(s).differences);
    return {
      repairs: p.repairs.map((r) => [r.action, r.difference.address, r.content]),
      unrepaired: p.unrepaired.map((d) => [d.kind, d.address]),
    };
  };

  it('restores content from Postgres first, else from the point, else flags it lost once', () => {
    const s = state(['a', 'b', 'c', 'd']);
    s.points.delete('M0');
    s.rows.delete('M1');
    s.points.set('M2', { ...(s.points.get('M2') as PointPayload), co_authors: [AUTHOR] });
    s.points.delete('M3');
    s.rows.set('M3', { ...(s.rows.get('M3') as MessageRowState), content: 'tampered' });
    expect(plan(s)).toEqual({
      repairs: [
        ['restore_point', 'M0', 'a'],
        ['reindex_message_row', 'M1', 'b'],
        ['rewrite_point_co_authors', 'M2', undefined],
        ['flag_content_lost', 'M3', undefined],
      ],
      unrepaired: [],
    });
    s.rows.set('M3', { ...(s.rows.get('M3') as MessageRowState), last_error: `${CONTENT_LOST_PREFIX}: gone` });
    expect(plan(s).unrepaired).toEqual([['content_lost', 'M3']]);
  });

  it('re-embeds a point whose hash or content is wrong, rewrites rows and co-authors, leaves the root', () => {
    const s = state(['a', 'b']);
    s.points.set('M0', { ...(s.points.get('M0') as PointPayload), content_hash: 'f'.repeat(64) });
    s.rows.set('M1', { ...(s.rows.get('M1') as MessageRowState), content_hash: 'e'.repeat(64) });
    s.coAuthors.pop();
    s.chain.account.contentRoot = new Uint8Array(32);
    expect(plan(s)).toEqual({
      repairs: [
        ['rewrite_co_authors', THREAD, undefined],
        ['restore_point', 'M0', 'a'],
        ['rewrite_row', 'M1', undefined],
      ],
      unrepaired: [['root_mismatch', THREAD]],
    });
  });
});
