/** `choir backfill` against a devnet with a program history, while nothing else indexes, then while something leads. */
import { Keypair } from '@solana/web3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { leaderLock } from '../../indexer/leader/leader-lock.js';
import { useTestChain } from '../indexer/devnet-driver.js';
import { runChoir } from '../support/choir-process.js';
import { useMigratedPool } from '../support/migrated-pool.js';

describe('choir backfill', () => {
  const env = useTestChain();
  const { pool, url } = useMigratedPool();
  const held: { release(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const h of held) await h.release();
  });

  const choir = (args: string[]) =>
    runChoir(['backfill', ...args], {
      DATABASE_URL: url,
      SOLANA_RPC_URL: env.devnet.rpcUrl,
      GEYSER_URL: env.devnet.geyserUrl,
      INDEXER_LEADER_POLL_MS: '200',
    });
  const counts = async () =>
    (
      await pool.query<{ threads: number; messages: number; events: number }>(
        `SELECT (SELECT count(*) FROM threads)::int AS threads, (SELECT count(*) FROM messages)::int AS messages,
                (SELECT count(*) FROM events)::int AS events`,
      )
    ).rows[0];

  it('indexes the chain from RPC with its history, and a second run changes nothing', async () => {
    const { chain, devnet } = env;
    const author = Keypair.generate();
    chain.fund(author.publicKey);
    const thread = chain.createThread([chain.payer, author]);
    for (let i = 0; i < 5; i++) chain.submitMessage(thread, `backfilled ${i}`);
    chain.submitMessage(thread, 'by the other co-author', author);
    // The snapshot is read at `confirmed`: let the slots behind these transactions confirm.
    for (let i = 0; i < 4; i++) devnet.tick();

    const first = choir(['--json']);
    expect(await first.exited, first.output()).toBe(0);
    const result = JSON.parse(
      first
        .output()
        .split('\n')
        .find((l) => l.startsWith('{')) as string,
    );
    expect(result).toMatchObject({ stream: 'choir', accounts: 7, previousCursor: null });
    expect(result.transactions).toBeGreaterThanOrEqual(7);
    const after = await counts();
    expect(after).toMatchObject({ threads: 1, messages: 6 });
    const provenance = await pool.query(`SELECT count(*)::int AS n FROM messages WHERE tx_signature IS NOT NULL`);
    expect(provenance.rows[0].n).toBe(6);

    const second = choir([]);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toMatch(/backfilled stream choir to slot \d+: 7 accounts/);
    expect(await counts()).toEqual(after);
  }, 240_000);

  it('stops with exit 2 while another process leads the stream, saying what to do', async () => {
    const lock = leaderLock(url, 'choir', 200);
    await lock.acquire(new AbortController().signal);
    held.push(lock);
    const blocked = choir([]);
    expect(await blocked.exited).toBe(2);
    expect(blocked.output()).toContain('an indexer leads stream "choir"');
    expect(blocked.output()).toContain('--wait');
  }, 120_000);

  it('refuses a bad --signatures value', async () => {
    const bad = choir(['--signatures', 'many']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('--signatures must be an integer from 0 to 1000000 (got "many")');
  }, 120_000);
});
