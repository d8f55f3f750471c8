/**
 * Group commit of submitted messages (src/pipeline/accept-messages.ts), on real Postgres: messages submitted
 * together share one transaction, yet each caller gets its own answer — refusals (stranger, unknown thread,
 * another author's identical content, a value Postgres refuses) touch only their own message, the same action twice
 * is accepted once, and every accepted message has its row, one MessageSubmitted event with its request id and one
 * outbox item naming that event.
 */
import { Keypair, type PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, findMessageAddress } from '../../programs/choir/client/index.js';
import { MESSAGE_SUBMIT_KIND } from '../../src/pipeline/kinds.js';
import { createSubmissions } from '../../src/pipeline/submission-service.js';
import type { Submissions } from '../../src/pipeline/submissions.js';
import { openPool } from '../indexer/harness.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { messageRequest } from './harness.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('accepting messages in groups', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let submissions: Submissions;
  let connects = 0;
  let wakes = 0;
  const author = Keypair.generate();
  const other = Keypair.generate();
  const stranger = Keypair.generate();
  const threads: PublicKey[] = [Keypair.generate().publicKey, Keypair.generate().publicKey];

  beforeAll(async () => {
    db = await createMigratedDatabase();
    pool = openPool(db.url);
    for (const [i, t] of threads.entries()) {
      await pool.query(
        `INSERT INTO threads (address, thread_id, creator, content_root, slot) VALUES ($1, $2, $3, $2, 1)`,
        [t.toBase58(), String(i).repeat(64), author.publicKey.toBase58()],
      );
      await pool.query(
        `INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, 0, $2, 1), ($1, 1, $3, 1)`,
        [t.toBase58(), author.publicKey.toBase58(), other.publicKey.toBase58()],
      );
    }
    // Transactions are counted by checkouts (pool.query checks out through the same method, with a callback).
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
      if (args.length === 0) connects += 1;
      return connect(...args);
    };
    submissions = createSubmissions({
      pool,
      maxContentBytes: 4096,
      onEnqueued: (kind) => {
        if (kind === MESSAGE_SUBMIT_KIND) wakes += 1;
      },
    });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('commits messages submitted together in one transaction, each with its own event and outbox item', async () => {
    const before = connects;
    const accepted = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        submissions.submitMessage(messageRequest(author, threads[i % 2] as PublicKey, `together ${i}`), {
          requestId: `req-${i}`,
        }),
      ),
    );
    expect(accepted.every((a) => a.created)).toBe(true);
    // One transaction for the 40 (a second one at most, for a submission that came after the first began).
    expect(connects - before).toBeLessThanOrEqual(2);
    expect(wakes).toBeGreaterThanOrEqual(1);
    const { rows } = await pool.query<{ address: string; request_id: string; sequence: string; event_id: string }>(
      `SELECT e.payload->>'messageAddress' AS address, e.payload->>'requestId' AS request_id, e.sequence::text,
              o.payload->>'eventId' AS event_id
         FROM events e JOIN outbox o ON o.kind = $1 AND o.key = e.payload->>'messageAddress'
        WHERE e.type = 'MessageSubmitted'`,
      [MESSAGE_SUBMIT_KIND],
    );
    expect(rows).toHaveLength(40);
    const byAddress = new Map(rows.map((r) => [r.address, r]));
    accepted.forEach((a, i) => {
      const r = byAddress.get(a.address);
      expect(r?.request_id).toBe(`req-${i}`);
      expect(r?.event_id).toBe(r?.sequence);
    });
    const pending = await pool.query(`SELECT count(*)::int AS n FROM messages WHERE status = 'PENDING'`);
    expect(pending.rows[0].n).toBe(40);
  });

  it('refuses strangers, unknown threads and duplicates one by one, committing the rest of the batch', async () => {
    const meta = { requestId: 'mixed' };
    const t = threads[0] as PublicKey;
    await submissions.submitMessage(messageRequest(author, t, 'already here'), meta);
    const count = async () => (await pool.query('SELECT count(*)::int AS n FROM messages')).rows[0].n as number;
    const n = await count();
    const [good, strangerCode, nowhereCode, duplicateCode, nulCode, sameAgain, repeatA, repeatB] = await Promise.all([
      submissions.submitMessage(messageRequest(author, t, 'kept'), meta),
      errorOf(submissions.submitMessage(messageRequest(stranger, t, 'not a co-author'), meta)),
      errorOf(submissions.submitMessage(messageRequest(author, Keypair.generate().publicKey, 'nowhere'), meta)),
      // Another co-author's identical content: the thread holds it already.
      errorOf(submissions.submitMessage(messageRequest(other, t, 'already here'), meta)),
      // Postgres refuses U+0000 in text: the batch fails, and is retried one by one.
      errorOf(submissions.submitMessage(messageRequest(author, t, 'nul \u0000 inside'), meta)),
      submissions.submitMessage(messageRequest(author, t, 'already here'), meta),
      submissions.submitMessage(messageRequest(author, t, 'sent twice at once'), meta),
      submissions.submitMessage(messageRequest(author, t, 'sent twice at once'), meta),
    ]);
    expect(good).toMatchObject({ created: true });
    expect(strangerCode).toBe('NOT_CO_AUTHOR');
    expect(nowhereCode).toBe('NOT_FOUND');
    expect(duplicateCode).toBe('DUPLICATE_CONTENT');
    expect(nulCode).toBeDefined();
    expect(sameAgain).toMatchObject({ created: false });
    expect([repeatA.created, repeatB.created].sort()).toEqual([false, true]);
    expect(repeatA.address).toBe(repeatB.address);
    expect(await count()).toBe(n + 2);
    const events = await pool.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'MessageSubmitted' AND payload->>'messageAddress' = ANY ($1)`,
      [[good.address, repeatA.address]],
    );
    expect(events.rows[0].n).toBe(2);
  });

  it('accepts a rolled-back message again', async () => {
    const t = threads[1] as PublicKey;
    const first = await submissions.submitMessage(messageRequest(author, t, 'second chance'), { requestId: 'a' });
    await pool.query(`UPDATE messages SET status = 'ROLLED_BACK', last_error = 'x' WHERE address = $1`, [
      first.address,
    ]);
    const again = await submissions.submitMessage(messageRequest(author, t, 'second chance'), { requestId: 'b' });
    expect(again).toEqual({ address: first.address, created: true });
    const { rows } = await pool.query('SELECT status, last_error FROM messages WHERE address = $1', [first.address]);
    expect(rows[0]).toEqual({ status: 'PENDING', last_error: null });
  });

  it('survives a deadlock with another writer of the same rows (the indexer): the batch is tried again', async () => {
    const t = threads[1] as PublicKey;
    // Two texts whose record addresses sort A < B: the batch locks A, then waits for B.
    const texts = ['deadlock one', 'deadlock two'];
    const addresses = texts.map((x) => findMessageAddress(t, contentHash(x))[0].toBase58());
    const [a, b] = (addresses[0] as string) < (addresses[1] as string) ? [0, 1] : [1, 0];
    const row = (i: number) => [
      addresses[i],
      t.toBase58(),
      Buffer.from(contentHash(texts[i] as string)).toString('hex'),
      author.publicKey.toBase58(),
    ];
    const insert = `INSERT INTO messages (address, thread_address, content_hash, author, status) VALUES ($1, $2, $3, $4, 'RECORDED')`;
    // The other writer holds B uncommitted, as an indexer batch in flight would.
    const other = await pool.connect();
    await other.query('BEGIN');
    await other.query(insert, row(b));
    const accepted = Promise.all(
      texts.map((x) => submissions.submitMessage(messageRequest(author, t, x), { requestId: 'dl' })),
    );
    await new Promise((r) => setTimeout(r, 200)); // the batch now holds A and waits for B
    // The other writer now wants A: a cycle. Postgres aborts one side after deadlock_timeout (1 s).
    const otherOutcome = await other.query(insert, row(a)).then(
      () => 'inserted',
      (e: { code?: string }) => e.code,
    );
    await other.query(otherOutcome === 'inserted' ? 'COMMIT' : 'ROLLBACK');
    other.release();
    const results = await accepted;
    expect(results.map((r) => r.address).sort()).toEqual([...addresses].sort());
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE address = ANY ($1::text[]) AND content IS NOT NULL',
      [addresses],
    );
    expect(rows[0]?.n).toBe(2);
  }, 30_000);

  it('tries a lone message again when Postgres aborts its transaction as a deadlock victim', async () => {
    // A lone message has no batch to split: before, the deadlock reached its caller as a failure.
    let aborted = 0;
    const flaky = new Proxy(pool, {
      get(target, prop, receiver) {
        if (prop !== 'connect') return Reflect.get(target, prop, receiver);
        return async (...args: unknown[]) => {
          // pool.query checks out with a callback: left alone (only transactions use connect() with no arguments).
          if (args.length > 0) return (target.connect as (...a: unknown[]) => unknown)(...args);
          const client = await target.connect();
          const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
          return new Proxy(client, {
            get(c, p, r) {
              if (p !== 'query') return Reflect.get(c, p, r);
              return (...args: unknown[]) => {
                if (aborted === 0 && typeof args[0] === 'string' && args[0].includes('INSERT INTO messages')) {
                  aborted += 1;
                  return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
                }
                return query(...args);
              };
            },
          });
        };
      },
    });
    const lone = createSubmissions({ pool: flaky, maxContentBytes: 4096 });
    const accepted = await lone.submitMessage(messageRequest(author, threads[0] as PublicKey, 'a lone victim'), {
      requestId: 'victim',
    });
    expect(aborted).toBe(1);
    expect(accepted.created).toBe(true);
  });
});
