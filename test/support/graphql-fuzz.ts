/**
 * Shared pieces of the GraphQL fuzz tests (HTTP and graphql-ws): real operations to derive broken documents from,
 * awkward variable values, limit-breaking documents, the set of error codes a client may see, and a checksum of
 * what is stored.
 */
import fc from 'fast-check';
import type pg from 'pg';
import { ErrorCodes } from '../../src/errors/index.js';

/**
 * Codes a client may branch on: the taxonomy's (INTERNAL excepted — bad input must never be an internal error) and
 * the ones Apollo and graphql-js give request errors.
 */
export const STABLE_CODES: ReadonlySet<string> = new Set([
  ...Object.keys(ErrorCodes).filter((c) => c !== 'INTERNAL'),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export interface GraphqlErrorLike {
  message?: unknown;
  extensions?: { code?: unknown; stacktrace?: unknown };
}

/** What is wrong with a list of GraphQL errors a client got (null: each is clear and carries a stable code). */
export function errorsProblem(errors: unknown): string | null {
  if (!Array.isArray(errors) || errors.length === 0) return 'errors is not a non-empty array';
  for (const e of errors as GraphqlErrorLike[]) {
    if (typeof e?.message !== 'string' || e.message.length === 0) return 'an error without a message';
    const code = e.extensions?.code;
    if (typeof code !== 'string' || !STABLE_CODES.has(code)) return `code ${String(code)} is not a stable code`;
    if (e.extensions?.stacktrace !== undefined) return 'a stack trace outside development';
    // Nothing a fuzz sends needs 10 s: a timeout means one request held the event loop or the database.
    if (code === 'QUERY_TIMEOUT') return 'a timeout';
  }
  return null;
}

/** Text that must never reach a client: stack frames, absolute paths, HTML error pages. */
export function leaks(text: string): string | null {
  if (/\n\s+at \S+ \(|\bat .+\.[jt]s:\d+:\d+/.test(text)) return 'a stack frame';
  if (/\/work\/|node_modules|\/home\/|\/src\/api\//.test(text)) return 'a server path';
  if (/<(!DOCTYPE|html|pre)\b/i.test(text)) return 'HTML';
  return null;
}

/** Real operations (the mutations signed with garbage): the stock that broken documents are derived from. */
export const OPERATIONS = [
  'query Threads($first: Int, $after: String) { threads(first: $first, after: $after) { edges { cursor node { address title coAuthors messageCount } } pageInfo { hasNextPage endCursor } } }',
  'query Thread($a: ID!) { thread(address: $a) { address creator messages(first: 5) { nodes { address hash content status votes { voter approve } } totalCount } } }',
  'query Messages($t: ID, $k: MessageKind, $o: ListOrder) { messages(threadAddress: $t, kind: $k, orderBy: $o, first: 3) { nodes { address thread { address } } } }',
  'query Events($after: String, $types: [EventType!]) { events(after: $after, types: $types, first: 4) { edges { cursor node { __typename sequence threadAddress payload } } } }',
  'query ByHash($h: String!, $t: ID!) { messageByHash(hash: $h, threadAddress: $t) { address } message(address: $t) { hash } }',
  '{ health { ready dependencies { name ready } } viewer { __typename } }',
  'fragment M on Message { address status } query F { messages(first: 2) { nodes { ...M thread { ...on Thread { title } } } } }',
  'mutation Submit($input: SubmitMessageInput!) { submitMessage(input: $input) { address status hash } }',
  'mutation Create($input: CreateThreadInput!) { createThread(input: $input) { address created thread { address } } }',
  'mutation Vote($input: VoteInput!) { vote(input: $input) { messageAddress created } }',
  'mutation SignIn($k: String!, $s: String!) { signIn(publicKey: $k, signature: $s) { token expiresAt } }',
  'mutation Challenge($k: String!) { authChallenge(publicKey: $k) { message expiresAt } }',
  'mutation { signOut }',
  'subscription Live($t: ID!, $after: String) { threadEvents(threadAddress: $t, after: $after) { cursor sequence } }',
  'subscription All($after: String, $types: [EventType!]) { events(after: $after, types: $types) { cursor __typename } }',
  'subscription Status($a: ID!) { messageStatus(address: $a) { address status } }',
];

const TOKEN = /"(?:[^"\\]|\\.)*"|\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\S/g;

export function tokens(document: string): string[] {
  return document.match(TOKEN) ?? [];
}

const EXTRA_TOKENS = ['{', '}', '(', ')', '$', '!', '...', '@skip', '"', '"""', '#', '\u0000', '\uD800', '9e999'];

/** A real operation with 1–4 tokens deleted, inserted (from any operation) or duplicated. */
export const mutatedDocument: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...OPERATIONS),
    fc.array(
      fc.record({
        edit: fc.constantFrom('delete', 'insert', 'duplicate', 'swap'),
        at: fc.nat(),
        token: fc.constantFrom(...new Set(OPERATIONS.flatMap(tokens)), ...EXTRA_TOKENS),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([document, edits]) => {
    const out = tokens(document);
    for (const { edit, at, token } of edits) {
      const i = at % Math.max(out.length, 1);
      if (edit === 'delete') out.splice(i, 1);
      else if (edit === 'insert') out.splice(i, 0, token);
      else if (edit === 'duplicate') out.splice(i, 0, out[i] ?? token);
      else if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1] as string, out[i] as string];
    }
    return out.join(' ');
  });

/** Documents past the limits: deep nesting (a cyclic path, or plain braces), wide aliasing, fragment cycles. */
export const limitDocument: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 5, max: 400 }).map((n) => {
    let inner = 'address';
    for (let i = 0; i < n; i++) inner = `thread { messages(first: 1) { nodes { ${inner} } } }`;
    return `{ messages(first: 1) { nodes { ${inner} } } }`;
  }),
  fc.integer({ min: 20, max: 5_000 }).map((n) => `{ ${'{ '.repeat(n)}${'}'.repeat(n)} }`),
  fc
    .integer({ min: 20, max: 3_000 })
    .map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: health { ready }`).join(' ')} }`),
  fc
    .integer({ min: 2, max: 20 })
    .map(
      (n) =>
        `{ threads(first: 100) { nodes { ${'messages(first: 100) { nodes { thread { '.repeat(n)}address${' } } }'.repeat(n)} } } }`,
    ),
  fc.constant('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
  fc
    .integer({ min: 2, max: 12 })
    .map((n) => `{ __schema { types { ${'fields { type { ofType { '.repeat(n)}name${' } } }'.repeat(n)} } } }`),
  fc
    .integer({ min: 10, max: 2_000 })
    .map((n) => `query (${Array.from({ length: n }, (_, i) => `$v${i}: Int`).join(' ')}) { health { ready } }`),
);

/** Values that break naive handling: huge, negative, fractional, overflowing numbers; NULs and lone surrogates. */
export const awkwardValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    2 ** 31,
    2 ** 53 + 1,
    -1,
    -(2 ** 63),
    1.5,
    1e308,
    -0,
    Number.MIN_VALUE,
    '18446744073709551616',
    '-1',
    '1e3',
    '',
    ' ',
    'a\u0000b',
    '\uD800',
    'x\uDFFFy',
    '\uFFFF',
    '😀'.repeat(50),
    '0OIl',
    '1'.repeat(44),
    'x'.repeat(60_000),
    '11111111111111111111111111111111',
    null,
    true,
    [],
    {},
    [null],
    JSON.parse('{"__proto__": {"polluted": 1}}'),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Long text where a short key or signature belongs.
  fc.integer({ min: 30_000, max: 100_000 }).map((n) => 'x'.repeat(n)),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 3_000 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Variables for the operations: mostly well-typed names with awkward values, sometimes any JSON at all. */
export const awkwardVariables: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.dictionary(
      fc.constantFrom('first', 'after', 'a', 't', 'h', 'k', 's', 'types', 'input', 'o', 'v0', '__proto__'),
      awkwardValue,
      { maxKeys: 4 },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A checksum per stored table (the ones no bad request may change); events only up to `maxSequence`. */
export async function storedChecksums(
  pool: pg.Pool,
  options: { maxEventSequence?: bigint } = {},
): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    threads: 'address',
    thread_co_authors: 'thread_address, position',
    messages: 'address',
    votes: 'message_address, voter',
    events: 'sequence',
    outbox: 'kind, key',
    sessions: 'token_hash',
    api_keys: 'id',
    indexer_cursors: 'stream',
  };
  const out: Record<string, string> = {};
  for (const [table, order] of Object.entries(tables)) {
    const where = table === 'events' && options.maxEventSequence !== undefined ? 'WHERE t.sequence <= $1' : '';
    const { rows } = await pool.query<{ digest: string | null; n: number }>(
      `SELECT md5(string_agg(t::text, ',' ORDER BY ${order})) AS digest, count(*)::int AS n FROM ${table} t ${where}`,
      where ? [options.maxEventSequence?.toString()] : [],
    );
    out[table] = `${rows[0]?.n}:${rows[0]?.digest ?? 'empty'}`;
  }
  return out;
}

/** Runs `work` over `items`, `width` at a time, in order of start. */
export async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}
