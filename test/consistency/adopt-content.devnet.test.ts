/**
 * Records written straight to the chain (as `choir devnet seed` does) have no text off chain: sync says
 * content_lost. Offered through the service's admin route, each text that hashes to its record becomes the row's
 * copy and its point is restored; others are refused; sync is clean after. And `offerSeedContent` (what the seed
 * command calls) waits for records the indexer has not applied yet.
 */
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountAdmin } from '../../src/api/admin/routes.js';
import { createHttpServer, type HttpServer } from '../../src/api/http-server.js';
import { offerSeedContent } from '../../src/cli/offer-seed-content.js';
import { askService } from '../../src/cli/service-client.js';
import { consistencyOperations, syncThread } from '../../src/consistency/index.js';
import { HealthRegistry } from '../../src/observability/health.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetricsRegistry } from '../../src/observability/metrics.js';
import { ChainDriver } from '../indexer/devnet-driver.js';
import { until } from '../indexer/harness.js';
import { embedder } from '../pipeline/harness.js';
import { freePort } from '../support/ports.js';
import { type Service, startService } from './harness.js';

describe('adopting the text of records written straight to the chain', () => {
  let s: Service;
  let http: HttpServer;
  let base: string;
  beforeAll(async () => {
    s = await startService();
    http = createHttpServer({
      host: '127.0.0.1',
      port: await freePort(),
      shutdownTimeoutMs: 1_000,
      health: new HealthRegistry(),
      metrics: createMetricsRegistry(),
      logger: silentLogger,
    });
    const ops = consistencyOperations({ ...s.deps, store: s.store, embedder, stream: 'choir', logger: silentLogger });
    mountAdmin(http.app, ops, silentLogger, 4_096);
    await http.listen();
    base = http.url();
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await s?.close();
  });

  it('keeps texts that hash to their records, restores their points, refuses the rest', async () => {
    const chain = new ChainDriver(s.devnet);
    chain.fund(chain.payer.publicKey);
    const thread = chain.createThread();
    const t = thread.toBase58();
    const texts = ['seeded one', 'seeded two', 'seeded three'];
    const addresses = texts.map((text) => chain.submitMessage(thread, text));
    // Adoption takes records indexed at confirmed (what reconcile reads the chain at), not merely processed.
    await until('records confirmed', async () => {
      const { rowCount } = await s.pool.query(
        `SELECT 1 FROM messages WHERE address = ANY ($1::text[]) AND commitment IN ('CONFIRMED', 'FINALIZED')`,
        [addresses],
      );
      return rowCount === 3;
    });
    expect((await syncThread(s.deps, t)).differences.map((d) => d.kind)).toEqual([
      'content_lost',
      'content_lost',
      'content_lost',
    ]);

    const unknown = Keypair.generate().publicKey.toBase58();
    const report = await askService<Record<string, unknown>>(
      base,
      'adopt-content',
      {
        messages: [
          { address: addresses[0], content: texts[0] },
          { address: addresses[1], content: 'not what was posted' },
          { address: unknown, content: 'no such record' },
        ],
      },
      () => {},
    );
    expect(report).toEqual({
      stored: 1,
      held: 0,
      mismatched: [addresses[1]],
      notIndexed: [unknown],
      pointsRestored: 1,
    });
    const { rows } = await s.pool.query<{ address: string; content: string | null }>(
      'SELECT address, content FROM messages WHERE address = ANY ($1::text[]) ORDER BY address',
      [addresses],
    );
    expect(Object.fromEntries(rows.map((r) => [r.address, r.content]))).toEqual({
      [addresses[0] as string]: texts[0],
      [addresses[1] as string]: null,
      [addresses[2] as string]: null,
    });

    // What the seed command does with every text: the rest is stored, the first is already held.
    const offered = await offerSeedContent(
      base,
      texts.map((content, i) => ({
        address: addresses[i] as string,
        thread: t,
        author: chain.payer.publicKey.toBase58(),
        content,
        kind: 'message' as const,
        outcome: 'published' as const,
      })),
      silentLogger,
    );
    expect(offered).toEqual({ stored: 2, pointsRestored: 2, pending: 0 });
    const sync = await syncThread(s.deps, t);
    expect(sync.differences).toEqual([]);
    expect(sync.consistent).toBe(true);
    const search = await s.store.count({ threadId: t, kind: 'message' });
    expect(search).toBe(3);
  }, 60_000);

  it('answers a bad body with 400 and a code, and is not reachable from elsewhere', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/admin/adopt-content`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const body of [
      {},
      { messages: [] },
      { messages: [{ address: 'nope', content: 'x' }] },
      { messages: [{ address: Keypair.generate().publicKey.toBase58(), content: '' }] },
      { messages: [{ address: Keypair.generate().publicKey.toBase58(), content: 'x'.repeat(5_000) }] },
      { messages: [{ address: Keypair.generate().publicKey.toBase58(), content: 'nul\u0000' }] },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_USER_INPUT');
    }
    const remote = await fetch(`${base}/admin/adopt-content`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify({ messages: [] }),
    });
    expect(remote.status).toBe(404);
  });
});
