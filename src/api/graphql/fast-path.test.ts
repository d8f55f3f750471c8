import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSection } from '../../config/section.js';
import { apiSection } from '../../config/sections/api.js';
import { HealthRegistry } from '../../observability/health.js';
import { silentLogger } from '../../observability/logger.js';
import type { ApiServices } from './context.js';
import { createDocumentCache } from './documents.js';
import { createFastPath, type FastPath } from './fast-path.js';
import { createLimitChecker } from './limits/limit-cache.js';
import { buildContext } from './request-context.js';
import { buildApiSchema } from './schema.js';

describe('the HTTP fast path takes plain JSON queries and leaves the rest to Apollo', () => {
  let schema: GraphQLSchema;
  const pathFor = (env: Record<string, string> = {}, nodeEnv = 'production') => {
    const services: ApiServices = {
      health: new HealthRegistry(500),
      logger: silentLogger,
      settings: readSection(apiSection, env),
      nodeEnv,
    };
    const fast = createFastPath(
      schema,
      services,
      createDocumentCache(schema),
      createLimitChecker(schema, services.settings),
    );
    return { fast, context: buildContext(services, null) };
  };
  let fast: FastPath;
  let context: ReturnType<typeof buildContext>;
  beforeAll(async () => {
    schema = await buildApiSchema();
    ({ fast, context } = pathFor());
  });

  it('answers a valid query as Apollo would: errors first, codes from the taxonomy', async () => {
    expect(await fast.run({ query: '{ __typename }' }, context, undefined)).toEqual({
      status: 200,
      body: '{"data":{"__typename":"Query"}}\n',
      contentType: 'application/json; charset=utf-8',
    });
    const bad = await fast.run({ query: '{ thread(address: "nope") { address } }' }, context, '*/*');
    const body = JSON.parse(bad?.body ?? '{}');
    expect(Object.keys(body)).toEqual(['errors', 'data']);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.data).toEqual({ thread: null });
  });

  it('leaves to Apollo: mutations, bad documents, limits, variable errors, other media types, extra keys', async () => {
    const declined = [
      { query: 'mutation { signOut }' },
      { query: '{ thread(' },
      { query: '{ nope }' },
      { query: 'query ($n: Int!) { threads(first: $n) { totalCount } }', variables: { n: 'x' } },
      { query: '{ threads(first: 100) { nodes { messages(first: 100) { nodes { votes { voter } } } } } }' },
      { query: '{ __typename }', extensions: { persistedQuery: {} } },
      [{ query: '{ __typename }' }],
    ];
    for (const body of declined) expect(await fast.run(body, context, undefined)).toBeNull();
    expect(await fast.run({ query: '{ __typename }' }, context, 'application/graphql-response+json')).toBeNull();
  });

  it('is off in development (stack traces) and for anonymous callers when anonymous reads are off', async () => {
    const dev = pathFor({}, 'development');
    expect(await dev.fast.run({ query: '{ __typename }' }, dev.context, undefined)).toBeNull();
    const closed = pathFor({ API_ANONYMOUS_READS: 'false' });
    expect(await closed.fast.run({ query: '{ __typename }' }, closed.context, undefined)).toBeNull();
  });
});
