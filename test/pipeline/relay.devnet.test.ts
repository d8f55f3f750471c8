/**
 * Relayed thread creations and votes beyond the happy path: the thread's own vector point once the chain confirms
 * the thread, and a MessageRolledBack event (with `action`) when the chain rejects a creation or a vote.
 */
import { Keypair, PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, findMessageAddress, findThreadAddress } from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { CHAIN_RELAY_KIND } from '../../src/pipeline/kinds.js';
import type { RunningPipeline } from '../../src/pipeline/start-pipeline.js';
import type { Submissions } from '../../src/pipeline/submissions.js';
import { ChainDriver } from '../indexer/devnet-driver.js';
import { until } from '../indexer/harness.js';
import type { FlakyStore } from './flaky-store.js';
import { threadRequest, voteSignature } from './harness.js';
import { type PipelineService, startPipelineService } from './service.js';

const meta = { requestId: 'relay-test' };

describe('relayed thread creations and votes', () => {
  let s: PipelineService;
  let devnet: Devnet;
  let pool: pg.Pool;
  let store: FlakyStore;
  let pipeline: RunningPipeline;
  let submissions: Submissions;
  const author = Keypair.generate();

  beforeAll(async () => {
    s = await startPipelineService();
    ({ devnet, pool, store, pipeline, submissions } = s);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const rolledBack = async (thread: string) =>
    (
      await pool.query<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM events WHERE type = 'MessageRolledBack' AND thread_address = $1`,
        [thread],
      )
    ).rows.map((r) => r.payload);

  it('registers the thread point, searchable by its title, once the chain confirms the thread', async () => {
    const created = await submissions.createThread(threadRequest(author, [], 'a confirmed thread'), meta);
    const point = await until('thread point', () =>
      [...store.points.values()].find((p) => p.kind === 'thread' && p.thread_id === created.address),
    );
    expect(point).toMatchObject({ message_address: created.address, content: 'a confirmed thread' });
    expect(['CONFIRMED', 'FINALIZED']).toContain(point.status);
    const row = await pool.query('SELECT commitment FROM threads WHERE address = $1', [created.address]);
    expect(row.rows[0].commitment).not.toBe('PROCESSED');
  });

  it('tells subscribers when the chain rejects a thread creation', async () => {
    // An item whose terms no longer match what the creator signed (as a tampered or corrupted item would be).
    const req = threadRequest(author, [], 'never created');
    const forgedId = Buffer.alloc(32, 9);
    const forgedAddress = findThreadAddress(forgedId)[0].toBase58();
    await pool.query('INSERT INTO outbox (kind, key, payload) VALUES ($1, $2, $3)', [
      CHAIN_RELAY_KIND,
      `thread:${forgedAddress}`,
      JSON.stringify({
        action: 'createThread',
        address: forgedAddress,
        threadId: forgedId.toString('hex'),
        coAuthors: req.coAuthors,
        minStake: '0',
        specLifetime: '0',
        title: null,
        signature: req.signature,
      }),
    ]);
    pipeline.wake(CHAIN_RELAY_KIND);
    const [event] = await until('rejection event', async () => {
      const events = await rolledBack(forgedAddress);
      return events.length > 0 ? events : undefined;
    });
    expect(event).toMatchObject({ action: 'createThread', messageAddress: forgedAddress, reason: 'SIGNATURE_INVALID' });
    expect((await pool.query('SELECT 1 FROM threads WHERE address = $1', [forgedAddress])).rowCount).toBe(0);
  });

  it('tells subscribers when the chain rejects a vote', async () => {
    const chain = new ChainDriver(devnet);
    chain.fund(chain.payer.publicKey);
    const proposer = Keypair.generate();
    chain.fund(proposer.publicKey);
    const thread = new PublicKey((await submissions.createThread(threadRequest(author), meta)).address);
    await until(
      'thread',
      async () => (await pool.query('SELECT 1 FROM threads WHERE address = $1', [thread.toBase58()])).rowCount === 1,
    );
    const spec = chain.submitSpec(thread, 'a spec to vote on', proposer);
    await until(
      'spec indexed',
      async () => (await pool.query('SELECT 1 FROM messages WHERE address = $1', [spec])).rowCount === 1,
    );
    // Postgres believes the intruder is a co-author; the chain does not, so the program answers NotCoAuthor.
    const intruder = Keypair.generate();
    await pool.query(
      'INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, 9, $2, 0)',
      [thread.toBase58(), intruder.publicKey.toBase58()],
    );
    const specKey = findMessageAddress(thread, contentHash('a spec to vote on'))[0];
    await submissions.vote(
      {
        messageAddress: spec,
        voter: intruder.publicKey.toBase58(),
        approve: true,
        signature: voteSignature(intruder, specKey, true),
      },
      meta,
    );
    await pool.query('DELETE FROM thread_co_authors WHERE thread_address = $1 AND position = 9', [thread.toBase58()]);
    const [event] = await until('rejection event', async () => {
      const events = await rolledBack(thread.toBase58());
      return events.length > 0 ? events : undefined;
    });
    expect(event).toMatchObject({
      action: 'vote',
      messageAddress: spec,
      reason: 'NOT_CO_AUTHOR',
      voter: intruder.publicKey.toBase58(),
      approve: true,
    });
  });
});
