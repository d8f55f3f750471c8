/** ThreadStore against a scripted source: each read answers when the test says, each event arrives when sent. */
import { describe, expect, it } from 'vitest';
import { serverMessage } from '../../../test/support/server-message.js';
import { networkError } from '../errors.js';
import type { EventStreamHandlers, ThreadSnapshot, ThreadSource } from './source.js';
import { ThreadStore } from './thread-store.js';
import type { ServerMessage, ThreadEvent, ThreadHeader } from './types.js';

const header: ThreadHeader = {
  address: 'T',
  threadId: 'ab'.repeat(32),
  creator: 'creator',
  title: null,
  coAuthors: ['creator'],
  messageCount: 0,
  specCount: 0,
  balance: '0',
  minStake: '0',
  specLifetime: '0',
  contentRoot: '0'.repeat(64),
  commitment: 'PROCESSED',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const row = (address: string, fields: Partial<ServerMessage> = {}): ServerMessage =>
  serverMessage(address, {
    threadAddress: 'T',
    author: 'creator',
    content: `content of ${address}`,
    createdAt: '2026-01-01T00:00:01.000Z',
    ...fields,
  });

type Deferred<T> = { resolve(value: T): void; promise: Promise<T> };
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { resolve, promise };
}

class ScriptedSource implements ThreadSource {
  counts: Deferred<number>[] = [];
  snapshots: Deferred<ThreadSnapshot | null>[] = [];
  messages = new Map<string, Deferred<ServerMessage | null>[]>();
  headers: Deferred<ThreadHeader | null>[] = [];
  opened: { after: string | null; handlers: EventStreamHandlers }[] = [];
  private seq = 0;

  eventCount() {
    const d = deferred<number>();
    this.counts.push(d);
    return d.promise;
  }
  snapshot() {
    const d = deferred<ThreadSnapshot | null>();
    this.snapshots.push(d);
    return d.promise;
  }
  header() {
    const d = deferred<ThreadHeader | null>();
    this.headers.push(d);
    return d.promise;
  }
  message(address: string) {
    const d = deferred<ServerMessage | null>();
    this.messages.set(address, [...(this.messages.get(address) ?? []), d]);
    return d.promise;
  }
  events(_thread: string, after: () => string | null, handlers: EventStreamHandlers) {
    this.opened.push({ after: after(), handlers });
    return () => {};
  }
  /** Answers the pending reload: the log holds `count` events; the snapshot is `snapshot`. */
  async answerReload(count: number, snapshot: ThreadSnapshot | null) {
    await tick();
    this.counts.shift()?.resolve(count);
    await tick();
    this.snapshots.shift()?.resolve(snapshot);
    await tick();
  }
  send(body: Record<string, unknown> & { __typename: ThreadEvent['__typename'] }, n = this.seq + 1) {
    this.seq = Math.max(this.seq, n);
    const event = {
      cursor: `c:${n}`,
      sequence: String(n),
      threadSequence: String(n),
      threadAddress: 'T',
      slot: null,
      createdAt: `2026-01-01T00:00:0${n % 10}.000Z`,
      ...body,
    } as unknown as ThreadEvent;
    this.opened.at(-1)?.handlers.next(event);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const options = { reconnect: { baseDelayMs: 1, maxDelayMs: 2 }, readDelayMs: 0, verifyIntervalMs: 0 };

async function started() {
  const source = new ScriptedSource();
  const store = new ThreadStore('T', source, options).start();
  await source.answerReload(0, { thread: header, messages: [] });
  return { source, store };
}

describe('ThreadStore', () => {
  it('drops duplicates, and reloads on a gap in the thread sequence', async () => {
    const { source, store } = await started();
    source.send(
      { __typename: 'MessageSubmitted', messageAddress: 'm1', contentHash: 'h-m1', submittedBy: 'creator' },
      1,
    );
    source.send(
      { __typename: 'MessageSubmitted', messageAddress: 'm1', contentHash: 'h-m1', submittedBy: 'creator' },
      1,
    );
    expect(store.getSnapshot().threadSequence).toBe(1);
    expect(store.getSnapshot().reloads).toBe(0);
    // 2 never arrives: 3 reveals the gap.
    source.send(
      { __typename: 'MessagePublished', messageAddress: 'm1', contentHash: 'h-m1', author: 'creator', index: 0 },
      3,
    );
    expect(store.getSnapshot().reloads).toBe(1);
    expect(store.getSnapshot().phase).toBe('reloading');
    expect(store.getSnapshot().error?.code).toBe('CLIENT_STATE_STALE');
    await source.answerReload(3, {
      thread: header,
      messages: [row('m1', { status: 'RECORDED', chainStatus: 'PUBLISHED', commitment: 'PROCESSED' })],
    });
    const view = store.getSnapshot();
    expect(view.phase).toBe('live');
    expect(view.messages.map((m) => [m.address, m.status])).toEqual([['m1', 'RECORDED']]);
    expect(view.cursor).toBe('c:3');
  });

  it('reloads on Retracted, applying on the snapshot only the events it does not already hold', async () => {
    const { source, store } = await started();
    source.send(
      { __typename: 'MessagePublished', messageAddress: 'm1', contentHash: 'h-m1', author: 'creator', index: 0 },
      1,
    );
    source.send({ __typename: 'Retracted', retractedSequence: '1', retractedType: 'MessagePublished' }, 2);
    expect(store.getSnapshot().phase).toBe('reloading');
    // Arrives while the snapshot is being read, and is in it (count 3): not applied twice.
    source.send({ __typename: 'VoteCast', messageAddress: 'm2', voter: 'creator', approve: true }, 3);
    // Committed after the count: applied on top.
    source.send({ __typename: 'VoteCast', messageAddress: 'm2', voter: 'alice', approve: false }, 4);
    const spec = row('m2', {
      kind: 'SPEC',
      status: 'RECORDED',
      chainStatus: 'PENDING',
      approvals: 1,
      votes: [{ voter: 'creator', approve: true }],
    });
    await source.answerReload(3, { thread: header, messages: [spec] });
    const view = store.getSnapshot();
    expect(view.messages.map((m) => m.address)).toEqual(['m2']); // m1's publication was retracted
    expect(view.messages[0]).toMatchObject({ approvals: 1, denials: 1, votes: { creator: true, alice: false } });
  });

  it('replays on a read answer the events that arrived while it was in flight', async () => {
    const { source, store } = await started();
    source.send({ __typename: 'MessageSubmitted', messageAddress: 'm1', contentHash: 'h-m1', submittedBy: 'bob' }, 1);
    await tick();
    expect(source.messages.get('m1')).toHaveLength(1); // content unknown: read
    source.send(
      { __typename: 'MessagePublished', messageAddress: 'm1', contentHash: 'h-m1', author: 'bob', index: 4 },
      2,
    );
    source.send(
      { __typename: 'CommitmentChanged', commitment: 'CONFIRMED', messageAddresses: ['m1'], threadChanged: false },
      3,
    );
    expect(store.message('m1')?.status).toBe('CONFIRMED');
    // The read was answered by the server before those two events: PENDING, no chain status.
    source.messages.get('m1')?.[0]?.resolve(row('m1', { author: 'bob', content: 'hello' }));
    await tick();
    expect(store.message('m1')).toMatchObject({
      content: 'hello',
      status: 'CONFIRMED',
      chainStatus: 'PUBLISHED',
      commitment: 'CONFIRMED',
      indexInThread: 4,
    });
  });

  it('shows an optimistic message at once, keeps its progress when the mutation answers late, rolls back on refusal', async () => {
    const { source, store } = await started();
    store.beginOptimistic({
      address: 'm1',
      hash: 'h-m1',
      author: 'creator',
      content: 'hi',
      kind: 'MESSAGE',
      stake: '0',
    });
    expect(store.message('m1')).toMatchObject({ status: 'PENDING', local: 'sending' });
    source.send(
      { __typename: 'MessageSubmitted', messageAddress: 'm1', contentHash: 'h-m1', submittedBy: 'creator' },
      1,
    );
    source.send(
      { __typename: 'MessagePublished', messageAddress: 'm1', contentHash: 'h-m1', author: 'creator', index: 0 },
      2,
    );
    expect(store.message('m1')).toMatchObject({ status: 'RECORDED' });
    expect(store.message('m1')?.local).toBeUndefined();
    store.settleOptimistic(row('m1', { content: 'hi', createdAt: '2026-01-01T00:00:01.500Z' }));
    expect(store.message('m1')).toMatchObject({ status: 'RECORDED', createdAt: '2026-01-01T00:00:01.500Z' });

    store.beginOptimistic({
      address: 'm2',
      hash: 'h-m2',
      author: 'creator',
      content: 'no',
      kind: 'MESSAGE',
      stake: '0',
    });
    store.rejectOptimistic('m2', networkError('refused'));
    expect(store.message('m2')).toMatchObject({ status: 'ROLLED_BACK', reason: 'CLIENT_NETWORK', local: 'rejected' });
    store.dismiss('m2');
    expect(store.message('m2')).toBeUndefined();
    // The pipeline gives up on a message: rolled back with the event's reason.
    source.send(
      { __typename: 'MessageSubmitted', messageAddress: 'm3', contentHash: 'h-m3', submittedBy: 'creator' },
      3,
    );
    source.send({ __typename: 'MessageRolledBack', messageAddress: 'm3', reason: 'NOT_CO_AUTHOR' }, 4);
    expect(store.message('m3')).toMatchObject({ status: 'ROLLED_BACK', reason: 'NOT_CO_AUTHOR' });
  });

  it('moves a message through STORED and RECORDED on the pipeline events, never backwards', async () => {
    const { source, store } = await started();
    source.send({ __typename: 'MessageSubmitted', messageAddress: 'm1', contentHash: 'h-m1', submittedBy: 'bob' }, 1);
    expect(store.message('m1')?.status).toBe('PENDING');
    source.send({ __typename: 'MessageStored', messageAddress: 'm1', contentHash: 'h-m1', status: 'STORED' }, 2);
    expect(store.message('m1')?.status).toBe('STORED');
    source.send({ __typename: 'MessageRecorded', messageAddress: 'm1', contentHash: 'h-m1', status: 'RECORDED' }, 3);
    expect(store.message('m1')?.status).toBe('RECORDED');
    source.send(
      { __typename: 'CommitmentChanged', commitment: 'CONFIRMED', messageAddresses: ['m1'], threadChanged: false },
      4,
    );
    // A late step (the same event replayed on a read's answer) does not move a confirmed message back.
    source.send({ __typename: 'MessageStored', messageAddress: 'm1', contentHash: 'h-m1', status: 'STORED' }, 5);
    expect(store.message('m1')?.status).toBe('CONFIRMED');
    // A rolled-back message stays rolled back.
    source.send({ __typename: 'MessageSubmitted', messageAddress: 'm2', contentHash: 'h-m2', submittedBy: 'bob' }, 6);
    source.send({ __typename: 'MessageRolledBack', messageAddress: 'm2', reason: 'EMBEDDING_FAILED' }, 7);
    source.send({ __typename: 'MessageRecorded', messageAddress: 'm2', contentHash: 'h-m2', status: 'RECORDED' }, 8);
    expect(store.message('m2')).toMatchObject({ status: 'ROLLED_BACK', reason: 'EMBEDDING_FAILED' });
  });

  it("subscribes after the first snapshot, from its log position, when the source's snapshots carry one", async () => {
    const source = Object.assign(new ScriptedSource(), { snapshotLog: true });
    const store = new ThreadStore('T', source, options).start();
    await tick();
    expect(source.opened).toHaveLength(0); // nothing to subscribe from yet
    expect(source.counts).toHaveLength(0); // no separate count: the snapshot says where the log stood
    source.snapshots.shift()?.resolve({
      thread: header,
      messages: [row('m1', { status: 'STORED' })],
      log: { count: 7, cursor: 'c:7' },
    });
    await tick();
    expect(source.opened.map((o) => o.after)).toEqual(['c:7']);
    expect(store.getSnapshot()).toMatchObject({ phase: 'live', threadSequence: 7, cursor: 'c:7' });
    // The next event is 8: no gap, no reload.
    source.send({ __typename: 'MessageRecorded', messageAddress: 'm1', contentHash: 'h-m1', status: 'RECORDED' }, 8);
    expect(store.getSnapshot().reloads).toBe(0);
    expect(store.message('m1')?.status).toBe('RECORDED');
    store.close();
  });

  it('resumes a failed stream from the last cursor, after a backoff', async () => {
    const { source, store } = await started();
    source.send({ __typename: 'Divested', coAuthor: 'creator', amount: '1' }, 1);
    source.opened.at(-1)?.handlers.error(networkError('dropped'));
    expect(store.getSnapshot().phase).toBe('reconnecting');
    await new Promise((r) => setTimeout(r, 10));
    expect(source.opened.map((o) => o.after)).toEqual([null, 'c:1']);
    expect(store.getSnapshot()).toMatchObject({ phase: 'live', reconnects: 1 });
    store.close();
  });
});
