// Seeded random requests to POST/GET /graphql: every one is answered with JSON — data, or errors that each carry a
// stable `extensions.code` (never INTERNAL, never a stack trace, a path or an HTML page) — under a status a client
// can act on and within seconds (one request holding the event loop stalls every client); /healthz answers between
// batches, and nothing already stored changes (the relayed mutations are sent with garbage, forged and replayed
// signatures: replays of accepted actions are accepted again as nothing new). Validly signed messages with awkward
// content, which may be stored, are a property of their own: accepted, or refused with a stable code.
import { PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, messageCanonicalMessage } from '../../programs/choir/client/index.js';
import {
  awkwardValue,
  awkwardVariables,
  errorsProblem,
  inBatches,
  leaks,
  limitDocument,
  mutatedDocument,
  OPERATIONS,
  storedChecksums,
} from '../support/graphql-fuzz.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { type FuzzFixture, type Signed, startFuzzFixture } from './fuzz-fixture.js';
import { walletSign } from './sign.js';

const SEED = 1818;
const RUNS = 500;
const MAX_BODY = 131_072;
const SLOW_MS = 5_000;
const STATUSES = new Set([200, 400, 401, 403, 405, 406, 413, 415, 429, 431]);

interface HttpCase {
  readonly kind: string;
  readonly method: string;
  readonly search: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const post = (kind: string, body: string | Uint8Array, headers: Record<string, string> = JSON_TYPE): HttpCase => ({
  kind,
  method: 'POST',
  search: '',
  headers,
  body,
});
const request = (query: unknown, variables?: unknown, operationName?: unknown) =>
  JSON.stringify({ query, variables, operationName });

function cases(f: FuzzFixture): fc.Arbitrary<HttpCase> {
  // Variables the operations take, well typed and pointing at stored rows, with some swapped for awkward values.
  const [thread] = f.threads;
  const stored = {
    a: thread?.address,
    t: thread?.address,
    h: thread?.messages[0]?.hash,
    k: f.author.publicKey.toBase58(),
    first: 2,
    types: ['MessagePublished'],
  };
  const variables = fc.oneof(
    fc.tuple(fc.subarray(Object.keys(stored)), awkwardVariables).map(([keep, awkward]) => ({
      ...Object.fromEntries(keep.map((k) => [k, stored[k as keyof typeof stored]])),
      ...(typeof awkward === 'object' && awkward !== null && !Array.isArray(awkward) ? awkward : {}),
    })),
    awkwardVariables,
  );
  const document = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...OPERATIONS) }, mutatedDocument, limitDocument);
  const signature = fc.oneof(
    fc.constantFrom('', '0OIl', 'not base58!', '1'.repeat(88), 'x'.repeat(10_000)),
    fc.integer({ min: 0, max: 100 }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map(bs58.encode)),
    fc.uint8Array({ minLength: 64, maxLength: 64 }).map(bs58.encode),
  );
  // An accepted signed request, replayed as is or with one field swapped for garbage.
  const relayed = fc
    .tuple(
      fc.constantFrom(...f.signed),
      fc.option(fc.tuple(fc.constantFrom('signature', 'other'), signature, awkwardValue)),
    )
    .map(([s, change]) => {
      const variables = structuredClone(s.variables) as Record<string, Record<string, unknown> | string>;
      const target = (typeof variables.input === 'object' ? variables.input : variables) as Record<string, unknown>;
      if (change) {
        const [what, sig, value] = change;
        const keys = Object.keys(target).filter((k) => k !== 'signature' && k !== 's');
        if (what === 'signature') target[target.s === undefined ? 'signature' : 's'] = sig;
        else target[keys[sig.length % keys.length] as string] = value;
      }
      return post('relayed', request(s.query, variables));
    });
  const contentTypes = fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/graphql',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/graphql-response+json',
    '',
    'image/png',
  );
  const accept = fc.constantFrom('application/json', '*/*', 'application/graphql-response+json', 'text/plain', 'x/y');
  return fc.oneof(
    fc
      .oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.constantFrom('{', '{"query": "{ health { ready } }"', 'null', '"x"', '1', '[]'),
      )
      .map((b) => post('not JSON', b)),
    fc.uint8Array({ maxLength: 64 }).map((b) => post('bytes', b)),
    fc
      .oneof(
        fc.jsonValue(),
        fc.record(
          { query: awkwardValue, variables: awkwardValue, operationName: awkwardValue, extensions: awkwardValue },
          { requiredKeys: [] },
        ),
      )
      .map((v) => post('wrong shape', JSON.stringify(v) ?? 'null')),
    fc
      .integer({ min: MAX_BODY, max: MAX_BODY * 8 })
      .map((n) => post('oversized', request('{ health { ready } }', { x: 'x'.repeat(n) }))),
    fc.tuple(contentTypes, document).map(([type, d]) => post('content type', request(d), { 'content-type': type })),
    fc
      .tuple(
        document,
        fc.oneof(fc.string(), variables.map(JSON.stringify)),
        fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, fc.string()),
        fc.boolean(),
        accept,
      )
      .map(([d, vars, op, preflight, acc]): HttpCase => {
        const params = new URLSearchParams({
          query: d,
          variables: vars,
          ...(op === null ? {} : { operationName: op }),
        });
        return {
          kind: 'GET',
          method: 'GET',
          search: `?${params}`,
          headers: { accept: acc, ...(preflight ? { 'apollo-require-preflight': '1' } : {}) },
        };
      }),
    fc
      .constantFrom('?', '?%', '?query', '?query=%E0%A4%A', '?query[]=1&query[]=2', '?variables={', '?extensions=1')
      .map(
        (search): HttpCase => ({
          kind: 'GET raw',
          method: 'GET',
          search,
          headers: { 'apollo-require-preflight': '1' },
        }),
      ),
    {
      weight: 8,
      arbitrary: fc
        .tuple(document, variables, fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, fc.string()))
        .map(([d, v, op]) => post('document', request(d, v, op))),
    },
    fc.constantFrom(...OPERATIONS).map((d) => post('unknown operation', request(d, {}, 'Nope'))),
    fc
      .array(fc.tuple(document, awkwardVariables), { maxLength: 4 })
      .map((items) => post('batch', `[${items.map(([d, v]) => request(d, v)).join(',')}]`)),
    { weight: 4, arbitrary: relayed },
    fc
      .tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS'), document)
      .map(([method, d]): HttpCase => ({ ...post('method', request(d)), method })),
    fc
      .tuple(
        fc.constantFrom('Bearer x', 'choir_s_forged', `Bearer ${f.token}x`, 'Basic Zm9v', '', 'Bearer choir_k_'),
        document,
      )
      .map(([auth, d]) => post('authorization', request(d), { ...JSON_TYPE, authorization: auth })),
  );
}

/** What is wrong with an answer (null: a clear one). */
function problem(status: number, type: string, text: string): string | null {
  if (!STATUSES.has(status)) return `status ${status}`;
  if (!/^application\/(graphql-response\+)?json\b/.test(type)) return `content-type "${type}"`;
  const leak = leaks(text);
  if (leak) return leak;
  let body: { data?: unknown; errors?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return 'a body that is not JSON';
  }
  if (body.errors !== undefined) return errorsProblem(body.errors);
  if (status !== 200 || body.data === undefined || body.data === null) return `status ${status} without errors`;
  return null;
}

describe('GraphQL over HTTP under seeded random requests', () => {
  const db = useMigratedPool({ max: 8 });
  let f: FuzzFixture;

  beforeAll(async () => {
    f = await startFuzzFixture(db, { API_MAX_BODY_BYTES: String(MAX_BODY) });
  });
  afterAll(async () => {
    await f?.api.close();
  });

  const send = async (c: HttpCase) => {
    const res = await fetch(`${f.api.url}${c.search}`, { method: c.method, headers: c.headers, body: c.body });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  const healthy = async () => (await fetch(f.api.url.replace(/graphql$/, 'healthz'))).status === 200;

  it('answers every request with JSON and stable error codes, stays up, and changes nothing stored', async () => {
    const before = await storedChecksums(db.pool);
    const all = fc.sample(cases(f), { seed: SEED, numRuns: RUNS });
    const failures: string[] = [];
    const batches: HttpCase[][] = [];
    for (let i = 0; i < all.length; i += 50) batches.push(all.slice(i, i + 50));
    for (const batch of batches) {
      await inBatches(batch, 4, async (c) => {
        const started = Date.now();
        const res = await send(c);
        const ms = Date.now() - started;
        // Normal answers take milliseconds; seconds mean one request held the event loop (everyone waited).
        const wrong = problem(res.status, res.type, res.text) ?? (ms > SLOW_MS ? `took ${ms} ms` : null);
        if (wrong) {
          const body = typeof c.body === 'string' ? c.body.slice(0, 300) : String(c.body?.length);
          failures.push(
            `${wrong} — ${c.kind} ${c.method} ${c.search.slice(0, 200)} ${body} → ${res.status} ${res.text.slice(0, 400)}`,
          );
        }
      });
      expect(await healthy(), `/healthz after a batch (seed ${SEED})`).toBe(true);
    }
    expect(failures, `seed ${SEED}: ${failures.length} of ${all.length}`).toEqual([]);
    expect(await storedChecksums(db.pool)).toEqual(before);
  }, 120_000);

  it('accepts or clearly refuses validly signed messages with awkward content', async () => {
    const [thread] = f.threads;
    const address = new PublicKey(thread?.address as string);
    const submit = f.signed[1] as Signed;
    const contents = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', minLength: 1 }),
        awkwardValue.filter((v): v is string => typeof v === 'string'),
      ),
      { seed: SEED, numRuns: 40 },
    );
    const failures: string[] = [];
    for (const content of contents) {
      const signature = walletSign(f.author, messageCanonicalMessage(address, contentHash(content)));
      const variables = { input: { ...(submit.variables.input as object), content, signature } };
      const res = await send(post('signed content', request(submit.query, variables)));
      // Accepted (a new message: this test changes what is stored) or refused with a stable code.
      const wrong = problem(res.status, res.type, res.text);
      if (wrong) failures.push(`${wrong} — ${JSON.stringify(content).slice(0, 100)} → ${res.text.slice(0, 300)}`);
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(await healthy()).toBe(true);
  });

  it('what the fuzz found: a GET whose query string is past 16 KB gets a JSON BAD_REQUEST (431), not an empty body', async () => {
    const query = `{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const res = await send({
      kind: 'GET',
      method: 'GET',
      search: `?${new URLSearchParams({ query })}`,
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/^application\/json/);
    expect(JSON.parse(res.text).errors[0]).toMatchObject({
      message: expect.stringContaining('POST body'),
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(await healthy()).toBe(true);
  });

  it('what the fuzz found: a subscription sent over HTTP is a BAD_REQUEST pointing at graphql-ws, not INTERNAL', async () => {
    const res = await send(post('subscription', request('subscription { events { cursor } }')));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).errors[0]).toMatchObject({
      message: expect.stringContaining('graphql-ws'),
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('what the fuzz found: a 100,000-character key is refused at once, not decoded for half a minute', async () => {
    const started = Date.now();
    const res = await send(
      post('long key', request('query ($a: ID!) { thread(address: $a) { address } }', { a: 'x'.repeat(100_000) })),
    );
    expect(JSON.parse(res.text).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    // Before: bs58 decoding (quadratic) held the event loop for about 25 s.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('what the fuzz found: validly signed content or a title with NUL is BAD_USER_INPUT, not INTERNAL', async () => {
    const before = await storedChecksums(db.pool);
    const [thread] = f.threads;
    const content = 'nul \u0000 inside';
    const signature = walletSign(
      f.author,
      messageCanonicalMessage(new PublicKey(thread?.address as string), contentHash(content)),
    );
    const submit = f.signed[1] as Signed;
    const message = { input: { ...(submit.variables.input as object), content, signature } };
    const submitted = JSON.parse((await send(post('nul', request(submit.query, message)))).text);
    expect(submitted.errors[0]).toMatchObject({
      message: expect.stringContaining('input.content'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    // The title is not signed: the accepted thread's signed request with a NUL title.
    const create = f.signed[3] as Signed;
    const titled = { input: { ...(create.variables.input as object), title: 'a\u0000b' } };
    const created = JSON.parse((await send(post('nul', request(create.query, titled)))).text);
    expect(created.errors[0]).toMatchObject({
      message: expect.stringContaining('input.title'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await storedChecksums(db.pool)).toEqual(before);
  });
});
