/**
 * The client SDK against the whole running stack (`choir start`: devnet, indexer, pipeline, API): sessions,
 * relayed signed actions with optimistic entries followed live through every status (PENDING → STORED → RECORDED →
 * CONFIRMED, each from its event, without a reload), a wallet-paid spec (prepare → sign → send) voted on, a refusal
 * rolled back with its reason, and at the end the watched store equal to a fresh snapshot from the API.
 */
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChoirClient,
  createNodeChoirClient,
  keypairSigner,
  memorySessionStorage,
  StoreThreadSnapshotDocument,
  type ThreadStore,
} from '../../src/client/node.js';
import { airdrop, type ChoirStack, startChoirStack } from '../support/choir-stack.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { comparableState } from '../support/thread-state.js';

const fast = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe.skipIf(skipEmbeddedPostgres('client SDK against the stack'))('client SDK against the running stack', () => {
  let stack: ChoirStack;
  const clients: ChoirClient[] = [];
  const client = async (keypair: Keypair, storage = memorySessionStorage()) => {
    const c = createNodeChoirClient({
      url: stack.url,
      signer: await keypairSigner(keypair.secretKey),
      sessionStorage: storage,
      reconnect: fast,
      store: { verifyIntervalMs: 2_000 },
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    stack = await startChoirStack('sdk');
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await stack?.stop();
  });

  it('signs in (challenge → sign → token), restores the session in a new client, signs out', async () => {
    const keypair = Keypair.generate();
    const storage = memorySessionStorage();
    const first = await client(keypair, storage);
    expect(await first.viewer()).toBeNull();
    const session = await first.signIn();
    expect(session.publicKey).toBe(keypair.publicKey.toBase58());
    expect((await first.viewer())?.publicKey).toBe(keypair.publicKey.toBase58());
    // A reloaded page: same storage, new client.
    const second = await client(keypair, storage);
    expect((await second.restoreSession())?.token).toBe(session.token);
    expect((await second.viewer())?.kind).toBe('SESSION');
    await second.signOut();
    expect(storage.load()).toBeNull();
    // The revoked token is refused: the client drops it, signs in again with its signer, and the call succeeds.
    const stale = await client(keypair, memorySessionStorage(session));
    expect((await stale.viewer())?.publicKey).toBe(keypair.publicKey.toBase58());
    expect(stale.sessions.current()?.token).not.toBe(session.token);
  });

  it('creates a thread, shows a message at once and follows it to CONFIRMED; a refused one rolls back with its reason', async () => {
    const alice = Keypair.generate();
    const outsider = Keypair.generate();
    const a = await client(alice);
    const created = await a.createThread({ title: 'sdk thread' });
    const store = a.watchThread(created.address);
    await store.waitFor((v) => v.thread !== null, 60_000);

    const pending = a.submitMessage(created.address, 'hello from the SDK');
    const address = a.messageAddress(created.address, 'hello from the SDK');
    // Optimistic: in the store before the mutation has answered.
    expect(store.message(address)).toMatchObject({
      status: 'PENDING',
      local: 'sending',
      content: 'hello from the SDK',
    });
    // Every status the store showed, in order, as it showed them (no reload in between: each from its event).
    const seen: string[] = ['PENDING'];
    const reloads = store.getSnapshot().reloads;
    const stop = store.subscribe(() => {
      const s = store.message(address)?.status;
      if (s && s !== seen.at(-1)) seen.push(s);
    });
    expect((await pending).status).toBe('PENDING');
    await store.waitFor(
      (v) => ['CONFIRMED', 'FINALIZED'].includes(v.messages.find((m) => m.address === address)?.status ?? ''),
      60_000,
    );
    stop();
    // PENDING, STORED (MessageStored), then only forward (RECORDED from MessageRecorded or MessagePublished) to
    // CONFIRMED.
    const rank = ['PENDING', 'STORED', 'RECORDED', 'CONFIRMED', 'FINALIZED'];
    expect(seen.slice(0, 2)).toEqual(['PENDING', 'STORED']);
    expect(seen.map((s) => rank.indexOf(s))).toEqual([...seen.map((s) => rank.indexOf(s))].sort());
    expect(seen.map((s) => rank.indexOf(s)).every((r) => r >= 0)).toBe(true);
    expect(store.getSnapshot().reloads).toBe(reloads);
    const storedEvent = store
      .getSnapshot()
      .recentEvents.find((e) => e.__typename === 'MessageStored' && e.messageAddress === address);
    expect(storedEvent).toMatchObject({ status: 'STORED' });

    // Someone who is not a co-author: the API refuses, the optimistic entry rolls back with the code.
    const o = await client(outsider);
    const theirs = o.watchThread(created.address);
    await theirs.waitFor((v) => v.phase === 'live', 30_000);
    await expect(o.submitMessage(created.address, 'let me in')).rejects.toMatchObject({ code: 'NOT_CO_AUTHOR' });
    expect(theirs.message(o.messageAddress(created.address, 'let me in'))).toMatchObject({
      status: 'ROLLED_BACK',
      reason: 'NOT_CO_AUTHOR',
      local: 'rejected',
    });
  }, 150_000);

  it('pays for a spec from the wallet (prepare → sign → send), and a co-author approves it with a relayed vote', async () => {
    const alice = Keypair.generate();
    const bob = Keypair.generate();
    await airdrop(stack.rpcUrl, bob.publicKey.toBase58(), 1_000_000_000);
    const a = await client(alice);
    const b = await client(bob);
    const created = await a.createThread({ title: 'specs' });
    const store = a.watchThread(created.address);
    await store.waitFor((v) => v.thread !== null, 60_000);
    const signature = await b.submitSpec(created.address, 'make bob a co-author', 1_000n);
    expect(signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    const spec = a.messageAddress(created.address, 'make bob a co-author');
    await store.waitFor((v) => v.messages.some((m) => m.address === spec && m.kind === 'SPEC'), 60_000);
    // The chain holds only the spec's hash: the SDK gives the service its text once the record is indexed
    // (provideContent), and the store shows it after the service's Recovered event.
    await store.waitFor((v) => v.messages.find((m) => m.address === spec)?.content === 'make bob a co-author', 60_000);
    await a.vote(spec, true);
    const view = await store.waitFor(
      (v) => v.messages.find((m) => m.address === spec)?.chainStatus === 'APPROVED' && v.thread?.coAuthors.length === 2,
      60_000,
    );
    expect(view.thread?.coAuthors).toEqual([alice.publicKey.toBase58(), bob.publicKey.toBase58()]);
    expect(view.messages.find((m) => m.address === spec)?.votes).toEqual({ [alice.publicKey.toBase58()]: true });

    // Settled: the store equals what the API answers now.
    await store.waitFor((v) => v.messages.every((m) => ['CONFIRMED', 'FINALIZED'].includes(m.status)), 60_000);
    await expectEqualToServer(a, store);
  }, 150_000);
});

async function expectEqualToServer(c: ChoirClient, store: ThreadStore) {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const { thread } = await c.request(StoreThreadSnapshotDocument, { address: store.address, first: 100 });
    if (!thread) throw new Error('thread vanished');
    const { messages, ...header } = thread;
    const server = comparableState({ thread: header, messages: messages.nodes });
    const local = comparableState(store.getSnapshot());
    if (JSON.stringify(server) === JSON.stringify(local) && store.isSettled()) return;
    last = { server, local };
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(last).toBeUndefined();
}
