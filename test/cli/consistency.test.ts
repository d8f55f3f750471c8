/**
 * `choir sync`, `choir reconcile` and `choir rebuild-index` as a user runs them: with a service running they ask
 * its admin routes (here: the service's parts in this process, with the admin routes mounted on an HTTP server);
 * with none they open the stores themselves — and refuse to when a service holds the embedded vector store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer } from '../../src/api/http-server.js';
import { lockDir } from '../../src/runtime/dir-lock.js';
import { newThread, post, type Service, serveAdmin, startService } from '../consistency/harness.js';
import { embedder } from '../pipeline/harness.js';
import { runChoir } from '../support/choir-process.js';

describe('choir sync / reconcile / rebuild-index', () => {
  let s: Service;
  let http: HttpServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startService();
    const admin = await serveAdmin(s);
    http = admin.http;
    env = {
      HOST: '127.0.0.1',
      PORT: String(admin.port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: s.db.url,
      SOLANA_RPC_URL: s.devnet.rpcUrl,
      GEYSER_URL: s.devnet.geyserUrl,
      VECTOR_DATA_DIR: s.vectorDir,
      EMBED_DIM: String(embedder.dimension),
    };
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await s?.close();
  });

  const choir = async (...args: string[]) => {
    const p = runChoir(args, env);
    const code = await p.exited;
    return { code, output: p.output() };
  };
  const json = (output: string) =>
    JSON.parse(
      output
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop() ?? '',
    );

  it('asks the running service: finds a difference, repairs it, rebuilds the index', async () => {
    const thread = await newThread(s);
    const t = thread.toBase58();
    const [a] = await post(s, thread, ['cli 0', 'cli 1', 'cli 2']);
    await s.store.deletePoints({ messageAddresses: [a as string] });

    const found = await choir('sync', '--thread', t);
    expect(found.code).toBe(1);
    expect(found.output).toMatch(new RegExp(`missing_point +${a}`));
    const dry = await choir('reconcile', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(json(dry.output)).toMatchObject({ dryRun: true, repairs: 1 });
    const fixed = await choir('reconcile', '--json');
    expect(json(fixed.output)).toMatchObject({ dryRun: false, repairs: 1, unrepaired: 0 });
    // Progress on stderr: a plain line per 10 % off a terminal.
    expect(fixed.output).toMatch(/reconcile \(threads\): 100%/);
    const clean = await choir('sync', '--json');
    expect(clean.code).toBe(0);
    expect(json(clean.output)).toMatchObject({ consistent: true, threads: 1 });

    const rebuilt = await choir('rebuild-index', '--json');
    expect(rebuilt.code, rebuilt.output).toBe(0);
    expect(json(rebuilt.output)).toMatchObject({ previous: 'messages_1', collection: 'messages_2', messages: 3 });
    expect((await s.store.describe())?.physicalName).toBe('messages_2');
  }, 300_000);

  it('admin routes refuse bad requests with clear errors', async () => {
    const url = `${http.url()}/admin/sync`;
    const post = (body: string, type = 'application/json') =>
      fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('{}', 'text/plain')).status).toBe(415);
    const bad = await post(JSON.stringify({ thread: 'not-an-address' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
    expect((await post(JSON.stringify({ force: true }))).status).toBe(400);
    const proxied = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: '{}',
    });
    expect(proxied.status).toBe(404);
    expect((await choir('sync', '--thread', 'nope')).code).toBe(2);
  });

  it('opens the stores itself with no service, and not while one holds the vector store', async () => {
    await http.close();
    await s.pipeline.close();
    await s.store.close();
    const held = lockDir(s.vectorDir, { variable: 'VECTOR_DATA_DIR' });
    try {
      const refused = await choir('sync');
      expect(refused.code).toBe(2);
      expect(refused.output).toMatch(/ALREADY_RUNNING/);
    } finally {
      held.release();
    }
    const local = await choir('sync', '--json');
    expect(local.code, local.output).toBe(0);
    expect(json(local.output)).toMatchObject({ consistent: true, threads: 1 });
  }, 180_000);
});
