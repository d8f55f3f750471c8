/**
 * Reconcile on the real parts (devnet, Postgres, the embedded vector store, the indexer and the workers): each
 * difference repaired from the right source, one Recovered event per repair, a dry run that changes nothing, lost
 * content flagged once, and the in-service schedule reconciling after the indexer heals a gap.
 */
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileThread, startReconcileSchedule, syncThread } from '../../src/consistency/index.js';
import { reconcileAll } from '../../src/consistency/run-all.js';
import { silentLogger } from '../../src/observability/logger.js';
import { sha256Hex } from '../../src/vector/point-id.js';
import type { PointPayload, StoredPoint } from '../../src/vector/types.js';
import { ChainDriver } from '../indexer/devnet-driver.js';
import { until } from '../indexer/harness.js';
import { embedder } from '../pipeline/harness.js';
import { newThread, post, type Service, startService } from './harness.js';

async function pointOf(s: Service, address: string): Promise<StoredPoint | undefined> {
  const page = await s.store.scroll({ filter: { messageAddress: address }, withVector: true });
  return page.points[0];
}

async function tamper(s: Service, address: string, change: Partial<PointPayload>) {
  const p = (await pointOf(s, address)) as StoredPoint;
  await s.store.upsert([{ vector: p.vector as number[], payload: { ...p.payload, ...change } }]);
}

const recovered = async (s: Service, thread: string) =>
  (
    await s.pool.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM events WHERE type = 'Recovered' AND thread_address = $1 ORDER BY sequence`,
      [thread],
    )
  ).rows.map((r) => r.payload);

describe('reconcile', () => {
  let s: Service;
  beforeAll(async () => {
    s = await startService();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('repairs every kind of difference once, from the right source, with one Recovered event each', async () => {
    const other = Keypair.generate();
    const thread = await newThread(s, [other.publicKey]);
    const t = thread.toBase58();
    const [a, b, c, d, e, f, g] = (await post(
      s,
      thread,
      Array.from({ length: 8 }, (_, i) => `reconcile ${i}`),
    )) as string[] & { length: 8 };
    expect(await syncThread(s.deps, t)).toMatchObject({ consistent: true, chainMessages: 8, points: 8, rows: 8 });
    // Finalized first: a promotion landing mid-test would carry the tampered co-authors below from Postgres into
    // every point (the indexer's payload update), a real effect but not the differences this test injects.
    await until(
      'thread and messages finalized',
      async () =>
        (
          await s.pool.query(
            `SELECT 1 FROM threads WHERE address = $1 AND commitment = 'FINALIZED'
              AND NOT EXISTS (SELECT 1 FROM messages WHERE thread_address = $1 AND commitment <> 'FINALIZED')`,
            [t],
          )
        ).rowCount === 1,
      60_000,
    );
    await until(
      'payload updates applied',
      async () =>
        (await s.pool.query(`SELECT 1 FROM outbox WHERE kind = 'vector.payload' AND state <> 'DONE'`)).rowCount === 0,
    );
    const contentOf = async (x: string) =>
      (await s.pool.query('SELECT content FROM messages WHERE address = $1', [x])).rows[0]?.content;
    const contentD = await contentOf(d as string);

    await s.store.deletePoints({ messageAddresses: [a as string] }); // missing point
    await s.store.setPayload({ co_authors: [other.publicKey.toBase58()] }, { messageAddresses: [b as string] }); // co-authors
    // A forged hash in the point (the store checks a point's hash against its content, so both are forged).
    await tamper(s, c as string, { content: 'forged', content_hash: sha256Hex('forged') });
    await s.pool.query('DELETE FROM messages WHERE address = $1', [d]); // missing row (content only in the point)
    await s.pool.query(`UPDATE messages SET content_hash = $2 WHERE address = $1`, [e, 'e'.repeat(64)]); // forged row hash
    await s.pool.query('UPDATE thread_co_authors SET pubkey = $2 WHERE thread_address = $1 AND position = 1', [
      t,
      Keypair.generate().publicKey.toBase58(),
    ]); // wrong co-author
    await s.store.deletePoints({ messageAddresses: [f as string] });
    await s.pool.query('UPDATE messages SET content = NULL WHERE address = $1', [f]); // content lost
    void g;

    const found = await syncThread(s.deps, t);
    const expected = [
      ['missing_point', a],
      ['payload_mismatch', b],
      ['payload_mismatch', c],
      ['missing_row', d],
      ['row_mismatch', e],
      ['co_author_mismatch', t],
      ['content_lost', f],
    ].sort();
    expect(found.differences.map((x) => [x.kind, x.address]).sort()).toEqual(expected);

    const dry = await reconcileThread(s.deps, t, { dryRun: true });
    expect(dry.repairs.map((r) => [r.kind, r.address, r.action]).sort()).toEqual(
      [
        ['missing_point', a, 'restore_point'],
        ['payload_mismatch', b, 'rewrite_point_co_authors'],
        ['payload_mismatch', c, 'restore_point'],
        ['missing_row', d, 'reindex_message_row'],
        ['row_mismatch', e, 'rewrite_row'],
        ['co_author_mismatch', t, 'rewrite_co_authors'],
        ['content_lost', f, 'flag_content_lost'],
      ].sort(),
    );
    expect((await syncThread(s.deps, t)).differences).toHaveLength(7);
    expect(await recovered(s, t)).toEqual([]);

    const done = await reconcileThread(s.deps, t);
    expect(done.repairs).toHaveLength(7);
    const events = await recovered(s, t);
    expect(events.map((p) => [p.reason, p.messageAddress, p.repair]).sort()).toEqual(
      done.repairs.map((r) => [r.kind, r.address === t ? null : r.address, r.action]).sort(),
    );

    // Only the loss is left, flagged on its row; the other parts are whole again.
    const after = await syncThread(s.deps, t);
    expect(after.differences.map((x) => [x.kind, x.address])).toEqual([['content_lost', f]]);
    expect((await s.pool.query('SELECT last_error FROM messages WHERE address = $1', [f])).rows[0].last_error).toMatch(
      /^CONTENT_LOST/,
    );
    expect(await contentOf(d as string)).toBe(contentD);
    const row = (await s.pool.query('SELECT status, thread_address FROM messages WHERE address = $1', [d])).rows[0];
    expect(['CONFIRMED', 'FINALIZED']).toContain(row.status);
    // The restored point is found by its content again.
    const [vector] = await embedder.embed(['reconcile 0']);
    const hits = await s.store.query({ vector: vector as Float32Array, limit: 1, filter: { threadId: t } });
    expect(hits[0]?.payload.message_address).toBe(a);

    // A second run has nothing left to do and says so: no repair, no event.
    const again = await reconcileThread(s.deps, t);
    expect(again.repairs).toEqual([]);
    expect(again.unrepaired.map((x) => [x.kind, x.address])).toEqual([['content_lost', f]]);
    expect(await recovered(s, t)).toHaveLength(7);
  }, 120_000);

  it("gives a re-created row its votes back from the record's bitmaps, and rewrites wrong votes", async () => {
    const [second, third, proposer] = [Keypair.generate(), Keypair.generate(), Keypair.generate()];
    const thread = await newThread(s, [second.publicKey, third.publicKey]);
    const t = thread.toBase58();
    const chain = new ChainDriver(s.devnet);
    for (const k of [chain.payer, proposer, s.author, second]) chain.fund(k.publicKey);
    // A spec from outside the thread (wallet-paid, so no content copy off chain: content_lost is expected), one
    // co-author for it and one against: it stays pending, with two bits set.
    const spec = chain.submitSpec(thread, 'votes survive', proposer);
    chain.vote(thread, 'votes survive', s.author, true);
    chain.vote(thread, 'votes survive', second, false);
    const votes = async () =>
      (
        await s.pool.query<{ voter: string; approve: boolean }>(
          'SELECT voter, approve FROM votes WHERE message_address = $1 ORDER BY voter',
          [spec],
        )
      ).rows;
    // Sync reads the chain at confirmed: wait until the thread, the spec and its votes are indexed at confirmed.
    await until(
      'votes confirmed',
      async () =>
        (
          await s.pool.query(
            `SELECT 1 FROM votes v JOIN messages m ON m.address = v.message_address
               JOIN threads t ON t.address = m.thread_address
              WHERE v.message_address = $1 AND v.commitment <> 'PROCESSED' AND m.commitment <> 'PROCESSED'
                AND t.commitment <> 'PROCESSED'`,
            [spec],
          )
        ).rowCount === 2,
    );
    const indexed = await votes();
    const differences = async () => (await syncThread(s.deps, t)).differences.map((d) => [d.kind, d.address]).sort();
    expect(await differences()).toEqual([['content_lost', spec]]);

    // The row deleted (its votes go with it): re-created from the record, votes included.
    await s.pool.query('DELETE FROM messages WHERE address = $1', [spec]);
    expect(await votes()).toEqual([]);
    expect(await differences()).toEqual([
      ['content_lost', spec],
      ['missing_row', spec],
    ]);
    await reconcileThread(s.deps, t);
    expect(await votes()).toEqual(indexed);

    // A flipped vote and a vote the chain never saw: both rewritten, the right one keeps its provenance.
    const before = await s.pool.query(
      'SELECT slot, tx_signature FROM votes WHERE message_address = $1 AND voter = $2',
      [spec, second.publicKey.toBase58()],
    );
    await s.pool.query('UPDATE votes SET approve = NOT approve WHERE message_address = $1 AND voter = $2', [
      spec,
      s.author.publicKey.toBase58(),
    ]);
    await s.pool.query(
      `INSERT INTO votes (message_address, voter, approve, slot, commitment) VALUES ($1, $2, true, 1, 'CONFIRMED')`,
      [spec, third.publicKey.toBase58()],
    );
    expect(await differences()).toEqual([
      ['content_lost', spec],
      ['vote_mismatch', spec],
    ]);
    const repaired = await reconcileThread(s.deps, t);
    expect(repaired.repairs.map((r) => r.action)).toContain('rewrite_votes');
    expect(await votes()).toEqual(indexed);
    expect(
      (
        await s.pool.query('SELECT slot, tx_signature FROM votes WHERE message_address = $1 AND voter = $2', [
          spec,
          second.publicKey.toBase58(),
        ])
      ).rows,
    ).toEqual(before.rows);
    expect(await differences()).toEqual([['content_lost', spec]]);
    expect((await recovered(s, t)).map((p) => p.reason)).toEqual(
      expect.arrayContaining(['missing_row', 'vote_mismatch']),
    );
  }, 90_000);

  it('runs inside the service after the indexer heals a gap', async () => {
    const thread = await newThread(s);
    const t = thread.toBase58();
    const [a] = (await post(s, thread, ['gap 0', 'gap 1'])) as [string, string];
    await s.store.deletePoints({ messageAddresses: [a] });
    const schedule = startReconcileSchedule({
      everyMs: 0,
      gapsHealed: () => s.indexer.status().gapsHealed,
      pollMs: 50,
      logger: silentLogger,
      run: () => reconcileAll(s.deps),
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(schedule.runs()).toBe(0);
      const healed = s.indexer.status().gapsHealed;
      s.devnet.faults.loseSlotFromStreams();
      await post(s, thread, ['in the lost slot']);
      await until('gap healed', () => s.indexer.status().gapsHealed > healed);
      await until('reconciled', () => schedule.runs() >= 1, 30_000);
    } finally {
      await schedule.close();
    }
    expect((await syncThread(s.deps, t)).consistent).toBe(true);
    expect((await recovered(s, t)).map((p) => [p.reason, p.messageAddress])).toEqual([['missing_point', a]]);
  }, 90_000);
});
