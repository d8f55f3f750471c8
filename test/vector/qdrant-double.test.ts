import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QdrantDouble } from '../support/qdrant-double/server.js';
import { fixBareNullables } from '../support/qdrant-double/spec-validator.js';

/** The double is only worth its name if it refuses what Qdrant refuses. */
describe('the Qdrant double validates requests against the OpenAPI description', () => {
  const double = new QdrantDouble();
  let url: string;
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    url = await double.start();
    const created = await send('PUT', '/collections/c', { vectors: { size: 2, distance: 'Cosine' } });
    expect(created.status).toBe(200);
  });
  afterAll(() => double.stop());

  const bad: Array<[string, string, string, unknown]> = [
    ['distance in the wrong case', 'PUT', '/collections/d', { vectors: { size: 2, distance: 'cosine' } }],
    ['a vector of strings', 'PUT', '/collections/c/points', { points: [{ id: 1, vector: ['a', 'b'] }] }],
    [
      'a point id that is neither uint nor UUID',
      'PUT',
      '/collections/c/points',
      { points: [{ id: 'msg-1', vector: [1, 0] }] },
    ],
    ['a negative limit', 'POST', '/collections/c/points/query', { query: [1, 0], limit: -1 }],
    ['an unknown filter clause', 'POST', '/collections/c/points/query', { query: [1, 0], filter: { and: [] } }],
    [
      'a range bound that is not a number',
      'POST',
      '/collections/c/points/count',
      {
        filter: { must: [{ key: 'created_at', range: { gte: 'yesterday' } }] },
      },
    ],
    ['an unknown payload index type', 'PUT', '/collections/c/index', { field_name: 'a', field_schema: 'string' }],
    ['a set-payload without payload', 'POST', '/collections/c/points/payload', { points: [1] }],
    ['an alias action that does not exist', 'POST', '/collections/aliases', { actions: [{ swap_alias: {} }] }],
  ];
  for (const [what, method, path, body] of bad) {
    it(`rejects ${what} with 400`, async () => {
      const before = double.rejected.length;
      const res = await send(method, path, body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { status: { error: string } };
      expect(answer.status.error).toMatch(/Format error/);
      expect(double.rejected.length).toBe(before + 1);
    });
  }

  it('rejects a query parameter of the wrong type', async () => {
    const res = await send('PUT', '/collections/c/points?wait=sometimes', { points: [{ id: 1, vector: [1, 0] }] });
    expect(res.status).toBe(400);
  });

  it('rejects a wrong vector size the way Qdrant does (semantics beyond the schema)', async () => {
    const res = await send('PUT', '/collections/c/points', { points: [{ id: 1, vector: [1, 0, 0] }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { status: { error: string } }).status.error).toContain('Vector dimension error');
  });

  it('accepts a well-formed request', async () => {
    const res = await send('POST', '/collections/c/points/query?timeout=5', {
      query: [1, 0],
      limit: 3,
      filter: { must: [{ key: 'thread_id', match: { any: ['a', 'b'] } }] },
      with_payload: { exclude: ['content'] },
    });
    expect(res.status).toBe(200);
  });

  it('turns bare nullable alternatives into null types, and leaves typed ones alone', () => {
    expect(fixBareNullables({ anyOf: [{ $ref: '#/x' }, { nullable: true }] })).toEqual({
      anyOf: [{ $ref: '#/x' }, { type: 'null' }],
    });
    expect(fixBareNullables({ type: 'integer', nullable: true })).toEqual({ type: 'integer', nullable: true });
  });
});
