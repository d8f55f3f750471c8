// Seeded random graphql-ws connections: each sends a random run of frames — invalid JSON, unknown and server-only
// types, malformed messages, binary frames, subscribe before connection_init, duplicate inits and operation ids,
// oversized frames and ids, documents with syntax and validation errors, bad variables and cursors, rapid
// subscribe/complete, relayed mutations with forged signatures. A protocol violation closes the socket with the
// close code PROTOCOL.md names (and a reason); an operation-level error is answered for its id while a live
// subscription on the same socket still gets the next event; another client is unaffected, the server stays up,
// and nothing already stored changes.
import fc from 'fast-check';
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { appendEvents } from '../../src/events/append-events.js';
import {
  errorsProblem,
  inBatches,
  limitDocument,
  mutatedDocument,
  OPERATIONS,
  storedChecksums,
} from '../support/graphql-fuzz.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { openWsSession, type WsMessage, type WsSession } from '../support/ws-session.js';
import { type FuzzFixture, startFuzzFixture } from './fuzz-fixture.js';
import { key } from './harness.js';

const SEED = 1818;
const RUNS = 200;
const MAX_BODY = 16_384;
const CANARY =
  'subscription ($t: ID!) { threadEvents(threadAddress: $t) { ... on MessagePublished { messageAddress } } }';

/** What the server must do with a frame: close with a code, answer its id with an error, answer a ping, or anything but close. */
type Expect = { close: number } | 'error' | 'pong' | 'any';

interface Frame {
  readonly kind: string;
  readonly data: string | Uint8Array;
  readonly expect: Expect;
  readonly id?: string;
  /** A connection_init the server accepts: the client waits for its ack, as clients do. */
  readonly acked?: boolean;
  /** Bytes sent in a text frame. */
  readonly text?: boolean;
}

interface WsCase {
  readonly init: boolean;
  readonly frames: Frame[];
}

interface Operation {
  readonly query: string;
  readonly variables?: unknown;
  readonly operationName?: string;
}

const json = (message: unknown) => JSON.stringify(message);
const subscribe = (id: string, query: string, variables?: unknown, operationName?: unknown) =>
  json({ id, type: 'subscribe', payload: { query, variables, operationName } });

/** A frame before the model decides what it must cause (`ack` tells whether the connection is acknowledged). */
type Template = (id: string, ack: boolean) => Frame[];

function templates(f: FuzzFixture): fc.Arbitrary<Template> {
  const [thread] = f.threads;
  const t = thread?.address as string;
  const op = (kind: string, data: string, expect: Expect, id: string, ack: boolean): Frame[] => [
    { kind, data, id, expect: ack ? expect : { close: 4401 } },
  ];
  const good = fc.constantFrom<Operation>(
    { query: CANARY, variables: { t: key() } },
    { query: 'subscription { events(types: [Retracted]) { cursor } }' },
    {
      query: 'subscription ($a: ID!) { messageStatus(address: $a) { status } }',
      variables: { a: thread?.messages[0]?.address },
    },
    { query: '{ health { ready } }' },
    ...f.signed,
  );
  const bad = fc.constantFrom<Operation>(
    { query: 'subscription { threadEvents(' },
    { query: 'subscription { nope }' },
    { query: CANARY, variables: { t: 'not-a-key' } },
    { query: CANARY.replace('threadAddress: $t', 'threadAddress: $t, after: "nope"'), variables: { t } },
    { query: CANARY, variables: { t: 42 } },
    { query: CANARY, variables: {} },
    { query: CANARY, variables: { t, pad: 'x'.repeat(MAX_BODY) } },
    { query: 'subscription A { events { cursor } } subscription B { events { cursor } }' },
    { query: CANARY, variables: { t }, operationName: 'Nope' },
    ...f.signed.map((s) => ({ ...s, variables: { ...s.variables, s: '1'.repeat(88) } })).slice(0, 1),
  );
  const protocolViolation = fc.oneof(
    fc.oneof(fc.string(), fc.constantFrom('{', '[]', 'null', '1', '"subscribe"')).filter((s) => {
      try {
        const v = JSON.parse(s);
        return typeof v !== 'object' || v === null || Array.isArray(v);
      } catch {
        return true;
      }
    }),
    fc
      .constantFrom('', 'start', 'stop', 'data', 'ka', 'connection_terminate', 'SUBSCRIBE')
      .map((type) => json({ type, id: '1' })),
    fc.constantFrom(
      json({ type: 'connection_ack' }),
      json({ type: 'next', id: 'x', payload: { data: null } }),
      json({ type: 'error', id: 'x', payload: [{ message: 'x' }] }),
    ),
    fc.constantFrom(
      json({ type: 'subscribe', payload: { query: '{ health { ready } }' } }),
      json({ type: 'subscribe', id: 7, payload: { query: '{ health { ready } }' } }),
      json({ type: 'subscribe', id: '', payload: { query: '{ health { ready } }' } }),
      json({ type: 'subscribe', id: 'p' }),
      json({ type: 'subscribe', id: 'p', payload: [] }),
      json({ type: 'subscribe', id: 'p', payload: { query: 1 } }),
      json({ type: 'subscribe', id: 'p', payload: { query: '{ health { ready } }', variables: [] } }),
      json({ type: 'subscribe', id: 'p', payload: { query: '{ health { ready } }', operationName: 1 } }),
      json({ type: 'complete' }),
      json({ type: 'ping', payload: 'x' }),
      json({ type: 'connection_init', payload: 'x' }),
    ),
  );
  return fc.oneof(
    protocolViolation.map(
      (data): Template =>
        () => [{ kind: 'violation', data, expect: { close: 4400 } }],
    ),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map(
      (b): Template =>
        () => [{ kind: 'binary', data: new Uint8Array([0xff, ...b]), expect: { close: 4400 } }],
    ),
    fc.constant<Template>(() => [
      { kind: 'invalid UTF-8', data: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), text: true, expect: { close: 1007 } },
    ]),
    fc.constant<Template>(() => [{ kind: 'binary ping', data: Buffer.from(json({ type: 'ping' })), expect: 'pong' }]),
    fc.constantFrom(undefined, 'Bearer junk').map(
      (authorization): Template =>
        (_id, ack) => [
          {
            kind: 'init',
            data: json({ type: 'connection_init', payload: authorization ? { authorization } : {} }),
            expect: ack ? { close: 4429 } : authorization ? { close: 4403 } : 'any',
            acked: !ack && !authorization,
          },
        ],
    ),
    {
      weight: 3,
      arbitrary: good.map(
        (g): Template =>
          (id, ack) =>
            op('good', subscribe(id, g.query, g.variables), 'any', id, ack),
      ),
    },
    {
      weight: 6,
      arbitrary: bad.map(
        (b): Template =>
          (id, ack) =>
            op('bad', subscribe(id, b.query, b.variables, b.operationName), 'error', id, ack),
      ),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.oneof(mutatedDocument, limitDocument, fc.constantFrom(...OPERATIONS)),
          fc.constantFrom({}, { t }, { t: 1 }, { a: t }),
        )
        .map(
          ([d, v]): Template =>
            (id, ack) =>
              op('mutated', subscribe(id, d, v), 'any', id, ack),
        ),
    },
    fc.constant<Template>((_id, ack) =>
      op('duplicate id', subscribe('canary', CANARY, { t }), { close: 4409 }, 'canary', ack),
    ),
    fc.constant<Template>((id, ack) => [
      ...op('subscribe', subscribe(id, CANARY, { t }), 'any', id, ack),
      { kind: 'complete', data: json({ type: 'complete', id }), expect: 'any' },
    ]),
    fc.string({ minLength: 1, maxLength: 20 }).map(
      (x): Template =>
        () => [{ kind: 'complete unknown', data: json({ type: 'complete', id: `u${x}` }), expect: 'any' }],
    ),
    fc.constant<Template>(() => [{ kind: 'ping', data: json({ type: 'ping', payload: { n: 1 } }), expect: 'pong' }]),
    fc.constant<Template>(() => [{ kind: 'pong', data: json({ type: 'pong' }), expect: 'any' }]),
    fc.constant<Template>(() => [{ kind: 'huge frame', data: 'x'.repeat(200_000), expect: { close: 1009 } }]),
    fc.constant<Template>((id, ack) =>
      op('huge id', subscribe(`${id}${'i'.repeat(20_000)}`, '{ health { ready } }'), 'any', id, ack),
    ),
  );
}

/** A connection's frames with what each must cause, up to the first that must close it. */
function cases(f: FuzzFixture): fc.Arbitrary<WsCase> {
  return fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, fc.constant(false)),
      fc.array(templates(f), { minLength: 1, maxLength: 6 }),
    )
    .map(([init, made]) => {
      let ack = init;
      const frames: Frame[] = [];
      for (const [i, template] of made.entries()) {
        for (const frame of template(`op${i}`, ack)) {
          frames.push(frame);
          if (typeof frame.expect === 'object') return { init, frames };
          if (frame.acked) ack = true;
        }
      }
      return { init, frames };
    });
}

const errorsOf = (m: WsMessage): unknown =>
  m.type === 'error' ? m.payload : m.type === 'next' ? (m.payload as { errors?: unknown })?.errors : undefined;

describe('graphql-ws under seeded random frames', () => {
  const db = useMigratedPool({ max: 8 });
  let f: FuzzFixture;
  let marker = 0;

  beforeAll(async () => {
    f = await startFuzzFixture(db, { API_MAX_BODY_BYTES: String(MAX_BODY) });
  });
  afterAll(async () => {
    await f?.api.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Commits a MessagePublished on the first thread; returns its marker (the payload's messageAddress). */
  async function publish(): Promise<string> {
    const name = `marker-${++marker}`;
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await appendEvents(c, [
        {
          threadAddress: f.threads[0]?.address as string,
          type: 'MessagePublished',
          payload: { messageAddress: name, contentHash: '0'.repeat(64), author: 'x', index: 0 },
        },
      ]);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    return name;
  }

  const carries = (name: string) => (m: WsMessage) =>
    m.id === 'canary' && m.type === 'next' && JSON.stringify(m.payload).includes(`"${name}"`);

  /** Runs one connection; returns what went wrong (null: nothing). */
  async function run(c: WsCase): Promise<string | null> {
    const s: WsSession = await openWsSession(f.api.wsUrl);
    try {
      if (c.init) {
        s.send(json({ type: 'connection_init', payload: {} }));
        await s.next((m) => m.type === 'connection_ack');
        s.send(subscribe('canary', CANARY, { t: f.threads[0]?.address }));
      }
      for (const frame of c.frames) {
        s.send(frame.data, { text: frame.text });
        if (frame.acked) await s.next((m) => m.type === 'connection_ack');
      }
      const last = c.frames.at(-1)?.expect;
      if (typeof last === 'object') {
        const closed = await s.whenClosed();
        if (closed.code !== last.close) return `closed with ${closed.code} "${closed.reason}", expected ${last.close}`;
        if (closed.code >= 4000 && closed.reason.length === 0) return `closed with ${closed.code} and no reason`;
        return null;
      }
      for (const frame of c.frames) {
        if (frame.expect === 'error') await s.next((m) => m.id === frame.id && errorsOf(m) !== undefined);
      }
      const pings = c.frames.filter((x) => x.expect === 'pong').length;
      if (pings) await s.next(() => s.messages.filter((m) => m.type === 'pong').length >= pings);
      const acked = c.init || c.frames.some((x) => x.acked);
      if (c.init) await s.next(carries(await publish()));
      else if (acked) {
        // No canary: the socket still runs a new subscription.
        s.send(subscribe('late', CANARY, { t: f.threads[0]?.address }));
        const name = await publish();
        await s.next((m) => m.id === 'late' && JSON.stringify(m.payload).includes(`"${name}"`));
      } else {
        s.send(json({ type: 'ping' }));
        await s.next(() => s.messages.filter((m) => m.type === 'pong').length > pings);
      }
      if (s.closed) return `closed with ${s.closed.code} "${s.closed.reason}"`;
      for (const m of s.messages) {
        const errors = errorsOf(m);
        const wrong = errors === undefined ? null : errorsProblem(errors);
        if (wrong) return `${wrong}: ${JSON.stringify(m).slice(0, 400)}`;
      }
      return null;
    } catch (err) {
      return (err as Error).message;
    } finally {
      s.close();
    }
  }

  it('closes on protocol violations with the documented codes, answers bad operations per id, keeps the rest', async () => {
    const before = await storedChecksums(db.pool);
    const { rows } = await db.pool.query<{ max: string }>('SELECT max(sequence)::text AS max FROM events');
    const maxEventSequence = BigInt(rows[0]?.max ?? '0');
    // Another client, subscribed the whole time: it must see every marker.
    const observer = createClient({ url: f.api.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const observed: string[] = [];
    let observerEnded: unknown = null;
    observer.subscribe<{ threadEvents: { messageAddress?: string } }>(
      { query: CANARY, variables: { t: f.threads[0]?.address } },
      {
        next: (r) => observed.push(r.data?.threadEvents.messageAddress ?? ''),
        error: (e) => {
          observerEnded = e;
        },
        complete: () => {
          observerEnded = 'completed';
        },
      },
    );

    // The server logs through its logger: nothing a client sends may make it print to the console.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const all = fc.sample(cases(f), { seed: SEED, numRuns: RUNS });
    const failures: string[] = [];
    await inBatches(all, 3, async (c) => {
      const wrong = await run(c);
      if (wrong) {
        const frames = c.frames.map((x) => `${x.kind}:${String(x.data).slice(0, 120)}`).join(' | ');
        failures.push(`${wrong} — init ${c.init}: ${frames}`);
      }
    });
    expect(failures, `seed ${SEED}: ${failures.length} of ${all.length}`).toEqual([]);
    // Each call with its error's stack: a flake here must say where it came from.
    expect(printed.mock.calls.map((c) => c.map((x) => (x instanceof Error ? x.stack : String(x))).join(' '))).toEqual(
      [],
    );

    const last = await publish();
    const deadline = Date.now() + 10_000;
    while (!observed.includes(last) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(observerEnded).toBeNull();
    // Each marker once (sessions run side by side, so they commit in any order).
    const markers = observed.filter((m) => m.startsWith('marker-')).map((m) => Number(m.slice(7)));
    expect(markers.sort((a, b) => a - b)).toEqual(Array.from({ length: marker }, (_, i) => i + 1));
    await observer.dispose();
    expect((await fetch(f.api.url.replace(/graphql$/, 'healthz'))).status).toBe(200);
    expect(await storedChecksums(db.pool, { maxEventSequence })).toEqual(before);
  }, 120_000);

  it('what the fuzz found: a client sending a message only servers send is closed with 4400, not 4500', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const message of [
      { type: 'next', id: 'x', payload: { data: null } },
      { type: 'connection_ack' },
      { type: 'error', id: 'x', payload: [{ message: 'x' }] },
    ]) {
      const s = await openWsSession(f.api.wsUrl);
      s.send(json({ type: 'connection_init' }));
      await s.next((m) => m.type === 'connection_ack');
      s.send(json(message));
      const closed = await s.whenClosed();
      expect(closed.code).toBe(4400);
      expect(closed.reason).toContain(`"${message.type}" is sent by servers only`);
    }
    expect(printed).not.toHaveBeenCalled();
  });

  it('what the fuzz found: frames ws refuses close with 1009/1007 without printing to the console', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const big = await openWsSession(f.api.wsUrl);
    big.send('x'.repeat(200_000));
    expect((await big.whenClosed()).code).toBe(1009);
    const utf8 = await openWsSession(f.api.wsUrl);
    utf8.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { text: true });
    expect((await utf8.whenClosed()).code).toBe(1007);
    expect(printed).not.toHaveBeenCalled();
  });
});
