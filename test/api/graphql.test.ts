import { readFileSync } from 'node:fs';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../src/api/graphql/format-error.js';
import { type GraphqlMount, mountGraphql } from '../../src/api/graphql/mount.js';
import { buildApiSchema, printApiSchema } from '../../src/api/graphql/schema.js';
import { createHttpServer, type HttpServer } from '../../src/api/http-server.js';
import { createChoirClient, type GraphqlErrorShape } from '../../src/client/client.js';
import { ReadinessDocument } from '../../src/client/generated/graphql.js';
import { readSection } from '../../src/config/section.js';
import { apiSection } from '../../src/config/sections/api.js';
import { ChoirError, isChoirError } from '../../src/errors/index.js';
import { HealthRegistry } from '../../src/observability/health.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetricsRegistry } from '../../src/observability/metrics.js';

describe('GraphQL over HTTP', () => {
  let http: HttpServer;
  let graphql: GraphqlMount;
  const health = new HealthRegistry(200);

  beforeAll(async () => {
    health.register({ name: 'postgres', check: async () => undefined });
    health.register({ name: 'vector-store', check: () => Promise.reject(new Error('connection refused')) });
    http = createHttpServer({
      host: '127.0.0.1',
      port: 0,
      health,
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      logger: silentLogger,
      shutdownTimeoutMs: 1_000,
    });
    graphql = await mountGraphql(http, await buildApiSchema(), {
      health,
      logger: silentLogger,
      settings: readSection(apiSection, {}),
    });
    await http.listen();
  });
  afterAll(async () => {
    await graphql?.close();
    await http?.close();
  });

  it('answers a typed query with the same report as /readyz', async () => {
    const client = createChoirClient({ url: `${http.url()}/graphql` });
    const data = await client.request(ReadinessDocument);
    expect(data.readiness.ready).toBe(false);
    expect(data.readiness.dependencies.map((d) => [d.name, d.ready, d.error ?? null])).toEqual([
      ['postgres', true, null],
      ['vector-store', false, 'connection refused'],
    ]);
    const readyz = await fetch(`${http.url()}/readyz`);
    expect(readyz.status).toBe(503);
  });

  it('a malformed query gets a GraphQL error with a code, not a crash', async () => {
    const res = await fetch(`${http.url()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ readiness { nope } ' }),
    });
    const body = (await res.json()) as { errors: GraphqlErrorShape[] };
    expect(body.errors[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await fetch(`${http.url()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ readiness { nope } }' }),
    });
    expect(((await unknownField.json()) as { errors: GraphqlErrorShape[] }).errors[0]?.extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('the client reports an unreachable API as a Frontend/Network error', async () => {
    const client = createChoirClient({ url: 'http://127.0.0.1:1/graphql' });
    const err = await client.request(ReadinessDocument).catch((e: unknown) => e);
    expect(isChoirError(err, 'CLIENT_NETWORK')).toBe(true);
  });
});

describe('GraphQL error formatting', () => {
  it('gives ChoirErrors their stable code, category and recovery', () => {
    const original = new ChoirError('SIGNATURE_INVALID', 'bad signature', { details: { field: 'signature' } });
    const error = new GraphQLError('bad signature', { originalError: original });
    expect(formatError({ message: 'bad signature' }, error)).toEqual({
      message: 'bad signature',
      extensions: {
        code: 'SIGNATURE_INVALID',
        category: 'Session',
        domain: 'BACKEND',
        retryable: false,
        recovery: 'FIX_INPUT',
        details: { field: 'signature' },
      },
    });
  });

  it('hides unexpected errors behind INTERNAL', () => {
    const error = new GraphQLError('db password is hunter2', {
      originalError: new TypeError('db password is hunter2'),
    });
    const formatted = formatError(
      { message: 'db password is hunter2', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      error,
    );
    expect(formatted.message).toBe('internal error');
    expect(formatted.extensions?.code).toBe('INTERNAL');
    expect(JSON.stringify(formatted)).not.toContain('hunter2');
  });
});

describe('checked-in SDL and generated client', () => {
  it('schema/schema.graphql is what the resolvers build', async () => {
    expect(readFileSync('schema/schema.graphql', 'utf8')).toBe(await printApiSchema());
  });

  it('src/client/generated/graphql.ts is what codegen.yml produces', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
    const [output] = await generate({ ...config, silent: true }, false);
    expect(readFileSync('src/client/generated/graphql.ts', 'utf8')).toBe(output.content);
  });
});
