/**
 * The submission pipeline end to end on the devnet: verify → PENDING row + event + outbox → embed → point → STORED →
 * relayed transaction → RECORDED → the indexer's CONFIRMED. Faults: the vector store down, the RPC failing half its
 * calls, a program rejection after acceptance (rollback), a retracted slot (re-send).
 */
import { Keypair, PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID, contentHash, findMessageAddress } from '../../programs/choir/client/index.js';
import type { Relayer } from '../../src/chain/relayer.js';
import { syncThread } from '../../src/consistency/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { isChoirError } from '../../src/errors/index.js';
import { createSubmissions } from '../../src/pipeline/submission-service.js';
import type { Submissions } from '../../src/pipeline/submissions.js';
import { messagePointId } from '../../src/vector/point-id.js';
import type { VectorStore } from '../../src/vector/types.js';
import { until } from '../indexer/harness.js';
import type { FlakyStore } from './flaky-store.js';
import { flakyFetch, fundedRelayer, messageRequest, signWith, statusCounts, threadRequest } from './harness.js';
import { type PipelineService, startPipelineService } from './service.js';

const meta = { requestId: 'test' };

describe('submission pipeline on the devnet', () => {
  let s: PipelineService;
  let devnet: Devnet;
  let pool: pg.Pool;
  let store: FlakyStore;
  let relayer: Relayer;
  let submissions: Submissions;
  const author = Keypair.generate();
  const other = Keypair.generate();
  let thread: PublicKey;

  beforeAll(async () => {
    s = await startPipelineService({
      workers: { retryMaxMs: 200, resendEveryMs: 200, resendGraceS: 1 },
      tickDuringSetup: false,
    });
    ({ devnet, pool, store, relayer, submissions } = s);
    const created = await submissions.createThread(threadRequest(author, [other.publicKey], 'pipeline test'), meta);
    expect(created.created).toBe(true);
    thread = new PublicKey(created.address);
    await until('thread indexed with its title', async () => {
      const { rows } = await pool.query('SELECT title FROM threads WHERE address = $1', [created.address]);
      return rows[0]?.title === 'pipeline test';
    });
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  it('takes submissions to CONFIRMED with one point each, batching transactions', async () => {
    const before = s.pipeline.stats.transactions;
    const accepted = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        submissions.submitMessage(messageRequest(author, thread, `hello ${i}`), meta),
      ),
    );
    expect(accepted.every((a) => a.created)).toBe(true);
    expect(accepted[0]?.address).toBe(findMessageAddress(thread, contentHash('hello 0'))[0].toBase58());
    const events = await pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'MessageSubmitted'`);
    expect(events.rows[0].n).toBe(60);
    await until('all confirmed', async () => {
      const c = await statusCounts(pool);
      return (c.CONFIRMED ?? 0) + (c.FINALIZED ?? 0) === 60;
    });
    for (const a of accepted) expect(store.points.has(messagePointId(a.address))).toBe(true);
    const sent = s.pipeline.stats.transactions - before;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(60 / 2);

    // The same signed action again is accepted once.
    const again = await submissions.submitMessage(messageRequest(author, thread, 'hello 0'), meta);
    expect(again).toEqual({ address: accepted[0]?.address, created: false });
  }, 60_000);

  it('rejects bad input before doing any work', async () => {
    const count = async () => (await pool.query('SELECT count(*)::int AS n FROM messages')).rows[0].n as number;
    const n = await count();
    const stranger = Keypair.generate();
    const refused = async (p: Promise<unknown>, code: string) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isChoirError(err) && err.code).toBe(code);
    };
    await refused(submissions.submitMessage(messageRequest(stranger, thread, 'not mine'), meta), 'NOT_CO_AUTHOR');
    const forged = { ...messageRequest(author, thread, 'forged'), content: 'other text' };
    await refused(submissions.submitMessage(forged, meta), 'SIGNATURE_INVALID');
    await refused(submissions.submitMessage({ ...forged, threadAddress: 'nope' }, meta), 'BAD_USER_INPUT');
    await refused(submissions.submitMessage(messageRequest(author, thread, '   '), meta), 'BAD_USER_INPUT');
    await refused(
      submissions.submitMessage(messageRequest(author, Keypair.generate().publicKey, 'nowhere'), meta),
      'NOT_FOUND',
    );
    expect(await count()).toBe(n);
  });

  it('rolls back a submission the program rejects: row, point and event', async () => {
    // Postgres believes `intruder` is a co-author; the chain does not, so the program answers NotCoAuthor.
    const intruder = Keypair.generate();
    await pool.query(
      `INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, 9, $2, 0)`,
      [thread.toBase58(), intruder.publicKey.toBase58()],
    );
    const good = submissions.submitMessage(messageRequest(author, thread, 'kept beside a rejected one'), meta);
    const bad = await submissions.submitMessage(messageRequest(intruder, thread, 'rejected by the program'), meta);
    await pool.query('DELETE FROM thread_co_authors WHERE thread_address = $1 AND pubkey = $2', [
      thread.toBase58(),
      intruder.publicKey.toBase58(),
    ]);
    const status = async (a: string) =>
      (await pool.query('SELECT status, last_error FROM messages WHERE address = $1', [a])).rows[0];
    await until('rolled back', async () => (await status(bad.address)).status === 'ROLLED_BACK');
    expect((await status(bad.address)).last_error).toMatch(/^NOT_CO_AUTHOR/);
    expect(store.points.has(messagePointId(bad.address))).toBe(false);
    const { rows } = await pool.query(`SELECT payload FROM events WHERE type = 'MessageRolledBack'`);
    expect(rows.map((r) => r.payload)).toEqual([
      expect.objectContaining({ messageAddress: bad.address, reason: 'NOT_CO_AUTHOR' }),
    ]);
    const kept = await good;
    await until('the other one confirmed', async () =>
      ['CONFIRMED', 'FINALIZED'].includes((await status(kept.address)).status),
    );
  }, 30_000);

  it('completes every submission after a vector-store outage', async () => {
    store.down = true;
    const accepted = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        submissions.submitMessage(messageRequest(author, thread, `outage ${i}`), meta),
      ),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const stuck = await pool.query(
      `SELECT count(*)::int AS n FROM messages WHERE content LIKE 'outage %' AND status = 'PENDING'`,
    );
    expect(stuck.rows[0].n).toBe(100);
    store.down = false;
    await until(
      'all confirmed after the outage',
      async () =>
        (
          await pool.query(
            `SELECT count(*)::int AS n FROM messages WHERE content LIKE 'outage %' AND status IN ('CONFIRMED', 'FINALIZED')`,
          )
        ).rows[0].n === 100,
      30_000,
    );
    for (const a of accepted) expect(store.points.has(messagePointId(a.address))).toBe(true);
  }, 60_000);

  it('completes every submission with an RPC failing half its calls', async () => {
    const flaky = flakyFetch(0.5, 7);
    const flakyRelayer = await fundedRelayer(devnet, flaky);
    const second = s.startWorkers({ relayer: flakyRelayer, retryMaxMs: 100, resendEveryMs: 0 });
    await s.pipeline.close();
    try {
      const flakySubmissions = createSubmissions({ pool, relayer: flakyRelayer, maxContentBytes: 4096 });
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          flakySubmissions.submitMessage(messageRequest(author, thread, `flaky ${i}`), meta),
        ),
      );
      await until(
        'all confirmed through a flaky RPC',
        async () =>
          (
            await pool.query(
              `SELECT count(*)::int AS n FROM messages WHERE content LIKE 'flaky %' AND status IN ('CONFIRMED', 'FINALIZED')`,
            )
          ).rows[0].n === 100,
        45_000,
      );
      expect(flaky.failures).toBeGreaterThan(20);
    } finally {
      await second.close();
      s.pipeline = s.startWorkers();
    }
  }, 60_000);

  it('re-sends a message whose slot the chain abandoned', async () => {
    s.tick(false);
    const a = await submissions.submitMessage(messageRequest(author, thread, 'on a dead fork'), meta);
    s.pipeline.wake('message.submit');
    const row = async () =>
      (await pool.query('SELECT status, slot FROM messages WHERE address = $1', [a.address])).rows[0];
    await until('recorded on the open slot', async () => (await row()).status === 'RECORDED');
    const onChain = async () =>
      (
        await relayer.rpc.call<{ value: unknown }>('getAccountInfo', [
          a.address,
          { encoding: 'base64', commitment: 'processed' },
        ])
      ).value;
    expect(await onChain()).not.toBeNull();
    devnet.faults.abandonSlot();
    await until('gone from the chain', async () => (await onChain()) === null);
    s.tick(true);
    await until('re-sent and confirmed', async () => ['CONFIRMED', 'FINALIZED'].includes((await row()).status), 30_000);
    expect(await onChain()).not.toBeNull();
  }, 60_000);

  it('refuses a forged thread creation and a vote on a plain message', async () => {
    const req = threadRequest(author);
    const forged = { ...req, minStake: 5n };
    await expect(submissions.createThread(forged, meta)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    const msg = findMessageAddress(thread, contentHash('hello 1'))[0];
    const vote = {
      messageAddress: msg.toBase58(),
      voter: author.publicKey.toBase58(),
      approve: true,
      signature: signWith(author, Buffer.concat([Buffer.from('CHOIR_VOTE_V1'), msg.toBytes(), Uint8Array.of(1)])),
    };
    await expect(submissions.vote(vote, meta)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
  it('syncThread finds exactly the injected differences', async () => {
    const created = await submissions.createThread(threadRequest(author), meta);
    const fresh = new PublicKey(created.address);
    await until(
      'thread indexed',
      async () => (await pool.query('SELECT 1 FROM threads WHERE address = $1', [created.address])).rowCount === 1,
    );
    const accepted = await Promise.all(
      Array.from({ length: 10 }, (_, i) => submissions.submitMessage(messageRequest(author, fresh, `sync ${i}`), meta)),
    );
    await until('all confirmed', async () => {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM messages WHERE thread_address = $1 AND status IN ('CONFIRMED', 'FINALIZED')`,
        [created.address],
      );
      return rows[0].n === 10;
    });
    const deps = {
      pool,
      store: store as unknown as VectorStore,
      rpc: relayer.rpc,
      programId: CHOIR_PROGRAM_ID.toBase58(),
    };
    const clean = await syncThread(deps, created.address);
    expect(clean).toMatchObject({ consistent: true, chainMessages: 10, points: 10, rows: 10, rootChecked: true });

    const [a, b, c] = accepted.map((x) => x.address) as [string, string, string];
    store.points.delete(messagePointId(a));
    const tampered = store.points.get(messagePointId(b));
    if (tampered) store.points.set(messagePointId(b), { ...tampered, content_hash: '0'.repeat(64) });
    await pool.query('DELETE FROM messages WHERE address = $1', [c]);
    const report = await syncThread(deps, created.address);
    expect(report.consistent).toBe(false);
    expect(report.differences.map((d) => [d.kind, d.address]).sort()).toEqual(
      [
        ['missing_point', a],
        ['payload_mismatch', b],
        ['missing_row', c],
      ].sort(),
    );
  }, 60_000);
});
