import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Keypair } from '@solana/web3.js';
import bs58 from 'bs58';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { appendEvents } from '../../src/events/append-events.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { gql, type RunningApi, startApi } from './harness.js';
import { seedThreads } from './seed.js';
import { walletSign } from './sign.js';

const run = promisify(execFile);
const CHALLENGE = 'mutation ($k: String!) { authChallenge(publicKey: $k) { message expiresAt } }';
const SIGN_IN = 'mutation ($k: String!, $s: String!) { signIn(publicKey: $k, signature: $s) { token expiresAt } }';
const VIEWER = '{ viewer { kind publicKey apiKeyName threads { nodes { address } } } }';

describe('sessions and API keys', () => {
  const db = useMigratedPool({ max: 8 });
  let api: RunningApi;
  const wallet = Keypair.generate();
  const me = wallet.publicKey.toBase58();

  async function challenge(publicKey = me) {
    const res = await gql<{ authChallenge: { message: string } }>(api.url, CHALLENGE, { k: publicKey });
    return res.data?.authChallenge.message as string;
  }
  const signIn = (signature: string, publicKey = me) =>
    gql<{ signIn: { token: string } }>(api.url, SIGN_IN, { k: publicKey, s: signature });

  beforeAll(async () => {
    api = await startApi(db);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('signs in with a wallet signature; the session shows the key and its threads, survives a restart, and signs out', async () => {
    const [mine] = await seedThreads(db.pool, 1, { messagesPerThread: 1 });
    await db.pool.query('UPDATE thread_co_authors SET pubkey = $1 WHERE thread_address = $2 AND position = 1', [
      me,
      mine?.address,
    ]);
    const message = await challenge();
    expect(message).toContain(me);
    const res = await signIn(walletSign(wallet, message));
    expect(res.errors).toBeUndefined();
    const token = res.data?.signIn.token as string;
    const auth = { authorization: `Bearer ${token}` };
    const viewer = await gql<{
      viewer: { kind: string; publicKey: string; threads: { nodes: { address: string }[] } };
    }>(api.url, VIEWER, {}, auth);
    expect(viewer.data?.viewer).toMatchObject({ kind: 'SESSION', publicKey: me });
    expect(viewer.data?.viewer.threads.nodes.map((n) => n.address)).toEqual([mine?.address]);
    // Only the hash is stored.
    const stored = await db.pool.query('SELECT token_hash FROM sessions');
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    await api.close();
    api = await startApi(db);
    expect((await gql<{ viewer: { publicKey: string } }>(api.url, VIEWER, {}, auth)).data?.viewer.publicKey).toBe(me);

    expect((await gql<{ signOut: boolean }>(api.url, 'mutation { signOut }', {}, auth)).data?.signOut).toBe(true);
    const after = await gql(api.url, VIEWER, {}, auth);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');
  });

  it('rejects forged signatures, a signature of other content, a replayed sign-in and an expired challenge', async () => {
    const message = await challenge();
    const forged = await signIn(bs58.encode(new Uint8Array(64).fill(7)));
    expect(forged.errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');
    const other = await signIn(walletSign(wallet, `${message} (and something else)`));
    expect(other.errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');
    const someoneElse = await signIn(walletSign(Keypair.generate(), message));
    expect(someoneElse.errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');

    const signature = walletSign(wallet, message);
    expect((await signIn(signature)).errors).toBeUndefined();
    const replayed = await signIn(signature);
    expect(replayed.errors?.[0]?.extensions?.code).toBe('REPLAY_REJECTED');

    const late = await challenge();
    await db.pool.query("UPDATE auth_challenges SET expires_at = now() - interval '1 second' WHERE message = $1", [
      late,
    ]);
    const expired = await signIn(walletSign(wallet, late));
    expect(expired.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');

    const garbage = await gql(api.url, VIEWER, {}, { authorization: 'Bearer choir_s_nothing' });
    expect(garbage.status).toBe(401);
    expect(garbage.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('notifies a signed-in co-author of its threads only', async () => {
    const [mine, other] = await seedThreads(db.pool, 2, { messagesPerThread: 0, events: false });
    await db.pool.query('UPDATE thread_co_authors SET pubkey = $1 WHERE thread_address = $2 AND position = 2', [
      me,
      mine?.address,
    ]);
    const message = await challenge();
    const token = (await signIn(walletSign(wallet, message))).data?.signIn.token as string;
    const client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: token },
    });
    const got: { kind: string; event: { threadAddress: string } }[] = [];
    client.subscribe<{ notifications: { kind: string; event: { threadAddress: string } } }>(
      { query: 'subscription { notifications { kind event { threadAddress } } }' },
      { next: (r) => r.data && got.push(r.data.notifications), error: () => {}, complete: () => {} },
    );
    await new Promise((r) => setTimeout(r, 300));
    const c = await db.pool.connect();
    await c.query('BEGIN');
    for (const t of [other, mine]) {
      await appendEvents(c, [
        {
          threadAddress: t?.address as string,
          type: 'SpecSubmitted',
          payload: { messageAddress: 'x', contentHash: '0'.repeat(64), author: 'a', stake: '1', expiresAt: null },
        },
      ]);
    }
    await c.query('COMMIT');
    c.release();
    const specs = () => got.filter((n) => n.kind === 'SPEC_TO_VOTE');
    for (let i = 0; i < 200 && specs().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    // Replay brought the history of the first test's thread (the key co-authors it); live, only its own thread.
    expect(got.every((n) => n.event.threadAddress !== other?.address)).toBe(true);
    expect(specs()).toEqual([{ kind: 'SPEC_TO_VOTE', event: { threadAddress: mine?.address } }]);
    await client.dispose();
  });

  it('API keys: created by the CLI, used in the authorization header, revoked', async () => {
    const env = { ...process.env, DATABASE_URL: db.url, DATABASE_AUTO_MIGRATE: 'false', LOG_LEVEL: 'error' };
    const created = await run(process.execPath, ['bin/choir.js', 'api-key', 'create', 'partner'], { env });
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    const viewer = await gql<{ viewer: { kind: string; apiKeyName: string } }>(
      api.url,
      VIEWER,
      {},
      {
        authorization: `Bearer ${key}`,
      },
    );
    expect(viewer.data?.viewer).toMatchObject({ kind: 'API_KEY', apiKeyName: 'partner' });
    const listed = await run(process.execPath, ['bin/choir.js', 'api-key', 'list'], { env });
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);
    await run(process.execPath, ['bin/choir.js', 'api-key', 'revoke', id], { env });
    const revoked = await gql(api.url, VIEWER, {}, { authorization: `Bearer ${key}` });
    expect(revoked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await run(process.execPath, ['bin/choir.js', 'api-key', 'frobnicate'], { env }).catch((e) => e);
    expect(bad.code).toBe(2);
  });

  it('rate-limits anonymous callers per IP', async () => {
    const limited = await startApi(db, { env: { API_RATE_LIMIT_IP_PER_MINUTE: '3' } });
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await gql(limited.url, '{ health { ready } }');
        codes.push(res.errors?.[0]?.extensions?.code as string | undefined);
      }
      expect(codes).toEqual([undefined, undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await limited.close();
    }
  });
});
