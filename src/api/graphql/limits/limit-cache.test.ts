import 'reflect-metadata';
import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApiSchema } from '../schema.js';
import { createLimitChecker, type LimitChecker } from './limit-cache.js';

describe('operation limits remembered per document', () => {
  let checker: LimitChecker;
  beforeAll(async () => {
    checker = createLimitChecker(await buildApiSchema(), { maxDepth: 12, maxAliases: 50, maxComplexity: 20_000 });
  });

  const doc = parse(`query ($n: Int, $a: ID!, $more: Boolean!) {
    thread(address: $a) { messages(first: $n) { nodes { address votes { voter } } totalCount @include(if: $more) } } }`);

  it('a variable that sets a page size is part of the key: a cheap result is not reused for a costly one', () => {
    expect(checker.check(doc, null, { n: 10, a: 'x', more: false })).toEqual([]);
    const errors = checker.check(doc, null, { n: 100_000, a: 'x', more: false });
    expect(errors.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(checker.check(doc, null, { n: 10, a: 'y', more: true })).toEqual([]);
  });

  it('variables that do not change the cost (an address) reuse the result', () => {
    const first = checker.check(doc, null, { n: 100_000, a: 'a', more: false });
    expect(checker.check(doc, null, { n: 100_000, a: 'b', more: false })).toBe(first);
  });
});
