/**
 * The mutation path against a small in-test Submissions that writes what the real one commits before it resolves
 * (a PENDING row and its MessageSubmitted event): the mutation answers with the row as Postgres holds it, the same
 * signed action twice is the same message, and the pipeline's errors keep their codes.
 */
import { Keypair, PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMessageAddress } from '../../programs/choir/client/index.js';
import { ChoirError } from '../../src/errors/index.js';
import { appendEvents } from '../../src/events/append-events.js';
import type { Submissions } from '../../src/pipeline/submissions.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { gql, type RunningApi, sha, startApi } from './harness.js';
import { seedThreads } from './seed.js';

const FORGED = bs58.encode(new Uint8Array(64).fill(9));
const SUBMIT = `mutation ($input: SubmitMessageInput!) { submitMessage(input: $input) { address status content hash } }`;

describe('mutations through Submissions', () => {
  const db = useMigratedPool({ max: 6 });
  let api: RunningApi;
  const calls: string[] = [];

  const submissions: Submissions = {
    async submitMessage(req, meta) {
      calls.push(meta.requestId);
      if (req.signature === FORGED) throw new ChoirError('SIGNATURE_INVALID', 'bad signature');
      const hash = sha(req.content);
      const [address] = findMessageAddress(new PublicKey(req.threadAddress), Buffer.from(hash, 'hex'));
      const c = await db.pool.connect();
      try {
        await c.query('BEGIN');
        const { rowCount } = await c.query(
          `INSERT INTO messages (address, thread_address, content_hash, author, content)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [address.toBase58(), req.threadAddress, hash, req.author, req.content],
        );
        if (rowCount) {
          await appendEvents(c, [
            {
              threadAddress: req.threadAddress,
              type: 'MessageSubmitted',
              payload: { messageAddress: address.toBase58(), contentHash: hash, author: req.author },
            },
          ]);
        }
        await c.query('COMMIT');
        return { address: address.toBase58(), created: rowCount === 1 };
      } finally {
        c.release();
      }
    },
    createThread: async () => {
      throw new ChoirError('NOT_FOUND', 'not in this test');
    },
    vote: async () => {
      throw new ChoirError('BAD_USER_INPUT', 'not a spec');
    },
    prepareTransaction: async () => ({ transaction: 'AAAA', blockhash: 'h', lastValidBlockHeight: 1 }),
    sendTransaction: async () => ({ signature: 'sig' }),
  };

  beforeAll(async () => {
    api = await startApi(db, { services: { submissions } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('submitMessage answers with the PENDING row; the same signed message twice is the same message', async () => {
    const [thread] = await seedThreads(db.pool, 1, { messagesPerThread: 0, events: false });
    const input = {
      threadAddress: thread?.address,
      content: 'hello choir',
      author: Keypair.generate().publicKey.toBase58(),
      signature: bs58.encode(new Uint8Array(64).fill(2)),
    };
    const first = await gql<{ submitMessage: { address: string; status: string; content: string; hash: string } }>(
      api.url,
      SUBMIT,
      { input },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data?.submitMessage).toMatchObject({
      status: 'PENDING',
      content: 'hello choir',
      hash: sha('hello choir'),
    });
    const again = await gql<{ submitMessage: { address: string } }>(api.url, SUBMIT, { input });
    expect(again.data?.submitMessage.address).toBe(first.data?.submitMessage.address);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM events WHERE type = 'MessageSubmitted'");
    expect(rows[0].n).toBe(1);
    expect(new Set(calls).size).toBe(2); // one request id per request
  });

  it('bad input never reaches the pipeline; pipeline errors keep their codes', async () => {
    const before = calls.length;
    const malformed = await gql(api.url, SUBMIT, {
      input: { threadAddress: 'nope', content: 'x', author: 'nope', signature: 'x' },
    });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls.length).toBe(before);
    const [thread] = await seedThreads(db.pool, 1, { messagesPerThread: 0, events: false });
    const forged = await gql(api.url, SUBMIT, {
      input: {
        threadAddress: thread?.address,
        content: 'x',
        author: Keypair.generate().publicKey.toBase58(),
        signature: FORGED,
      },
    });
    expect(forged.errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');
    const prepared = await gql<{ prepareTransaction: { transaction: string } }>(
      api.url,
      'mutation ($i: PrepareTransactionInput!) { prepareTransaction(input: $i) { transaction } }',
      { i: { action: 'DIVEST', threadAddress: thread?.address } },
    );
    expect(prepared.errors?.[0]?.message).toContain('input.coAuthor');
  });
});
