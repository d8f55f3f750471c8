/**
 * Property: whatever happens to a thread — messages submitted (optimistically or not), pipeline steps,
 * chain sightings, votes, commitments, rollbacks, retractions, divests — and whatever happens to the stream —
 * disconnects, dropped deliveries (gaps), re-sent events (duplicates), late reads — once things settle the store's
 * view equals the server's state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeThreadServer } from '../../../test/support/fake-thread-server.js';
import { comparableState as normal } from '../../../test/support/thread-state.js';
import { uiError } from '../errors.js';
import { ThreadStore } from './thread-store.js';
import type { ThreadView } from './types.js';

const ADDRESSES = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
const PEOPLE = ['creator', 'alice', 'bob', 'carol'];

const address = fc.constantFrom(...ADDRESSES);
const person = fc.constantFrom(...PEOPLE);
const command = fc.oneof(
  fc.record({ k: fc.constant('submit' as const), m: address, author: person }),
  fc.record({ k: fc.constant('optimistic' as const), m: address, fail: fc.boolean() }),
  fc.record({ k: fc.constant('step' as const), m: address }),
  fc.record({ k: fc.constant('publish' as const), m: address, author: person, spec: fc.boolean() }),
  fc.record({ k: fc.constant('rollback' as const), m: address }),
  fc.record({ k: fc.constant('vote' as const), m: address, voter: person, approve: fc.boolean() }),
  fc.record({
    k: fc.constant('commit' as const),
    level: fc.constantFrom('CONFIRMED' as const, 'FINALIZED' as const),
    ms: fc.subarray(ADDRESSES),
  }),
  fc.record({ k: fc.constant('retract' as const), m: address }),
  fc.record({ k: fc.constant('divest' as const), amount: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ k: fc.constant('disconnect' as const) }),
  fc.record({ k: fc.constant('drop' as const) }),
  fc.record({ k: fc.constant('resend' as const), n: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ k: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 6 }) }),
);
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(seed: number, commands: Command[]) {
  const server = new FakeThreadServer('T', seed);
  let r = seed || 7;
  const random = () => {
    r = (r * 48_271) % 2_147_483_647;
    return r / 2_147_483_647;
  };
  const store = new ThreadStore('T', server, {
    reconnect: { baseDelayMs: 1, maxDelayMs: 4, random },
    readDelayMs: 0,
    verifyIntervalMs: 15,
  }).start();
  const sends: Promise<void>[] = [];
  for (const c of commands) {
    switch (c.k) {
      case 'submit':
        server.submit(c.m, c.author, `content of ${c.m}`);
        break;
      case 'optimistic': {
        // What ChoirClient.submitMessage does around its mutation, with the mutation's latency.
        store.beginOptimistic({
          address: c.m,
          hash: `h-${c.m}`,
          author: 'creator',
          content: `content of ${c.m}`,
          kind: 'MESSAGE',
          stake: '0',
        });
        sends.push(
          (async () => {
            await sleep(Math.floor(random() * 4));
            const row = c.fail ? null : server.submit(c.m, 'creator', `content of ${c.m}`);
            await sleep(Math.floor(random() * 4));
            if (row) store.settleOptimistic(row);
            else store.rejectOptimistic(c.m, uiError('refused', undefined, {}));
          })(),
        );
        break;
      }
      case 'step':
        server.pipelineStep(c.m);
        break;
      case 'publish':
        server.publish(c.m, c.author, c.spec ? { stake: '100' } : undefined);
        break;
      case 'rollback':
        server.rollback(c.m, 'NOT_CO_AUTHOR');
        break;
      case 'vote':
        server.vote(c.m, c.voter, c.approve);
        break;
      case 'commit':
        server.commit(c.level, c.ms);
        break;
      case 'retract':
        server.retract(c.m);
        break;
      case 'divest':
        server.divest('alice', BigInt(c.amount));
        break;
      case 'disconnect':
        server.disconnect();
        break;
      case 'drop':
        server.dropNext();
        break;
      case 'resend':
        server.resend(c.n);
        break;
      case 'wait':
        await sleep(c.ms);
        break;
    }
    if (random() < 0.3) await sleep(1);
  }
  await Promise.all(sends);
  server.heal();
  const before = await quiesce(store, server);
  const mid = { view: before, server: server.state(), log: server.log.length };
  // The pipeline settles: whatever is still in flight reaches the chain and is confirmed.
  const inFlight = [...server.rows.values()].filter((m) => ['PENDING', 'STORED', 'RECORDED'].includes(m.status));
  for (const m of inFlight) server.publish(m.address, m.author);
  server.commit(
    'CONFIRMED',
    inFlight.map((m) => m.address),
  );

  const view = await quiesce(store, server);
  store.close();
  return { server, view, mid };
}

async function quiesce(store: ThreadStore, server: FakeThreadServer): Promise<ThreadView> {
  const deadline = Date.now() + 5_000;
  let view: ThreadView = store.getSnapshot();
  while (Date.now() < deadline) {
    await sleep(2);
    view = store.getSnapshot();
    if (store.isSettled() && view.threadSequence === server.log.length) {
      // Settled twice in a row: nothing was about to start.
      await sleep(3);
      if (store.isSettled() && store.getSnapshot() === view) break;
    }
  }
  return view;
}

describe.skipIf(process.env.DBG)('ThreadStore against a misbehaving server (property)', () => {
  it('ends equal to the server after any mix of events, disconnects, gaps, duplicates, retractions and rollbacks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.array(command, { minLength: 5, maxLength: 40 }),
        async (seed, commands) => {
          const { server, view, mid } = await run(seed, commands);
          // While messages are still in flight (every pipeline step has its event: MessageStored, MessageRecorded).
          expect(mid.view.threadSequence).toBe(mid.log);
          expect(normal(mid.view)).toEqual(normal(mid.server));
          // Once the pipeline has settled them: equal.
          expect(view.threadSequence).toBe(server.log.length);
          expect(normal(view)).toEqual(normal(server.state()));
        },
      ),
      { numRuns: Number(process.env.STORE_PROPERTY_RUNS ?? 60) },
    );
  }, 120_000);
});
