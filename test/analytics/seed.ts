/**
 * A small, hand-checkable dataset for the analytics views and the example queries of docs/analytics.md: two
 * threads, co-authors with entitlements and divests, messages in every pipeline state, one spec per outcome with
 * its votes and events, an indexer cursor and outbox items waiting, failing and dead.
 */
import { createHash } from 'node:crypto';
import { Keypair, PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { findMessageAddress } from '../../programs/choir/client/index.js';
import { appendEvents } from '../../src/events/append-events.js';
import type { NewEvent } from '../../src/events/types.js';

const key = () => Keypair.generate().publicKey.toBase58();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000);

export interface Seeded {
  threads: { main: string; quiet: string };
  keys: { alice: string; bob: string; carol: string; dave: string; erin: string; frank: string };
  specs: { approved: string; rejected: string; expirable: string };
  stuck: string;
}

interface Row {
  thread: string;
  content: string;
  author: string;
  kind?: 'MESSAGE' | 'SPEC';
  status?: string;
  chainStatus?: string | null;
  index?: number | null;
  stake?: bigint;
  expiresAt?: Date | null;
  approvals?: number;
  denials?: number;
  at: Date;
}

export async function seedAnalytics(pool: pg.Pool): Promise<Seeded> {
  const keys = { alice: key(), bob: key(), carol: key(), dave: key(), erin: key(), frank: key() };
  const threads = { main: key(), quiet: key() };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const thread = async (address: string, creator: string, title: string, lamports: bigint) =>
      client.query(
        `INSERT INTO threads (address, thread_id, creator, title, content_root, slot, commitment, lamports,
                              chain_created_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 100, 'FINALIZED', $6, $7, $7)`,
        [address, sha(address), creator, title, '0'.repeat(64), lamports, ago(24 * 20)],
      );
    await thread(threads.main, keys.alice, 'main thread', 9_000_000n);
    await thread(threads.quiet, keys.bob, 'quiet thread', 1_000_000n);
    const coAuthor = (t: string, position: number, pubkey: string, entitlement: bigint, withdrawn: bigint) =>
      client.query(
        `INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot, entitlement, withdrawn)
         VALUES ($1, $2, $3, 100, $4, $5)`,
        [t, position, pubkey, entitlement, withdrawn],
      );
    await coAuthor(threads.main, 0, keys.alice, 3_000_000n, 1_000_000n);
    await coAuthor(threads.main, 1, keys.bob, 3_000_000n, 0n);
    await coAuthor(threads.main, 2, keys.carol, 3_000_000n, 3_000_000n);
    await coAuthor(threads.main, 3, keys.dave, 500_000n, 0n); // joined through its approved spec
    await coAuthor(threads.quiet, 0, keys.bob, 1_000_000n, 0n);

    const message = async (r: Row) => {
      const hash = sha(r.content);
      const [address] = findMessageAddress(new PublicKey(r.thread), Buffer.from(hash, 'hex'));
      const onChain = r.chainStatus !== null && r.status !== 'PENDING' && r.status !== 'STORED';
      await client.query(
        `INSERT INTO messages (address, thread_address, content_hash, author, content, kind, status, chain_status,
                               index_in_thread, stake, expires_at, approvals, denials, slot, commitment,
                               chain_created_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
        [
          address.toBase58(),
          r.thread,
          hash,
          r.author,
          r.content,
          r.kind ?? 'MESSAGE',
          r.status ?? 'FINALIZED',
          r.chainStatus === undefined ? 'PUBLISHED' : r.chainStatus,
          r.index ?? null,
          r.stake ?? 0n,
          r.expiresAt ?? null,
          r.approvals ?? 0,
          r.denials ?? 0,
          onChain ? 120 : null,
          onChain ? 'FINALIZED' : null,
          r.at,
        ],
      );
      return address.toBase58();
    };
    const m = threads.main;
    await message({ thread: m, content: 'hello', author: keys.alice, index: 0, at: ago(30) });
    await message({ thread: m, content: 'hi alice', author: keys.bob, index: 1, at: ago(20) });
    await message({ thread: m, content: 'welcome', author: keys.carol, index: 2, at: ago(10) });
    await message({
      thread: m,
      content: 'lost one',
      author: keys.bob,
      status: 'ROLLED_BACK',
      chainStatus: null,
      at: ago(9),
    });
    const stuck = await message({
      thread: m,
      content: 'on its way',
      author: keys.alice,
      status: 'STORED',
      chainStatus: null,
      at: ago(1),
    });
    const spec = (content: string, author: string, chainStatus: string, index: number, votes: [number, number]) =>
      message({
        thread: m,
        content,
        author,
        kind: 'SPEC',
        chainStatus,
        index,
        stake: 250_000n,
        expiresAt: chainStatus === 'PENDING' ? ago(2) : ago(-100),
        approvals: votes[0],
        denials: votes[1],
        at: ago(48 - index),
      });
    const specs = {
      approved: await spec('let dave in', keys.dave, 'APPROVED', 0, [3, 0]),
      rejected: await spec('let erin in', keys.erin, 'REJECTED', 1, [0, 1]),
      expirable: await spec('let frank in', keys.frank, 'PENDING', 2, [1, 0]),
    };
    await message({ thread: threads.quiet, content: 'old news', author: keys.bob, index: 0, at: ago(24 * 10) });
    await message({ thread: threads.quiet, content: 'fresh news', author: keys.bob, index: 1, at: ago(2) });

    const vote = (spec: string, voter: string, approve: boolean) =>
      client.query(
        `INSERT INTO votes (message_address, voter, approve, slot, commitment) VALUES ($1, $2, $3, 130, 'FINALIZED')`,
        [spec, voter, approve],
      );
    await vote(specs.approved, keys.alice, true);
    await vote(specs.approved, keys.bob, true);
    await vote(specs.approved, keys.carol, true);
    await vote(specs.rejected, keys.bob, false);
    await vote(specs.expirable, keys.carol, true);

    const ev = (type: NewEvent['type'], payload: Record<string, unknown>, thread = m): NewEvent => ({
      threadAddress: thread,
      type,
      payload,
      slot: 130n,
    });
    await appendEvents(client, [
      ev('ThreadCreated', { creator: keys.alice }),
      ev('ThreadCreated', { creator: keys.bob }, threads.quiet),
      ev('SpecSubmitted', { messageAddress: specs.approved }),
      ev('VoteCast', { messageAddress: specs.approved, voter: keys.alice, approve: true }),
      ev('SpecApproved', { messageAddress: specs.approved, approvals: 3, denials: 0 }),
      ev('CoAuthorAdded', { coAuthor: keys.dave }),
      ev('SpecSubmitted', { messageAddress: specs.rejected }),
      ev('SpecRejected', { messageAddress: specs.rejected, approvals: 0, denials: 1 }),
      ev('Divested', { coAuthor: keys.carol, amount: '3000000' }),
      ev('MessagePublished', { messageAddress: 'x' }, threads.quiet),
    ]);

    await client.query(
      `INSERT INTO indexer_cursors (stream, slot, confirmed_slot, finalized_slot, gaps_healed, updated_at)
       VALUES ('choir', 1000, 999, 968, 2, now())`,
    );
    await client.query(
      `INSERT INTO outbox (kind, key, payload, state, attempts, last_error, created_at, updated_at) VALUES
         ('message.submit', $1, '{}', 'PENDING', 3, 'QDRANT_UNAVAILABLE: vector store down', $2, now()),
         ('vector.payload', 'thread:x', '{}', 'PENDING', 0, NULL, now(), now()),
         ('vector.payload', 'thread:y', '{}', 'DEAD', 1000, 'gave up', $2, $2),
         ('vector.payload', 'thread:z', '{}', 'DONE', 1, NULL, $2, $2)`,
      [stuck, ago(1)],
    );
    await client.query('COMMIT');
    return { threads, keys, specs, stuck };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
