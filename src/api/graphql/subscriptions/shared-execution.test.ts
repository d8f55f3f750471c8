import { type ExecutionResult, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSharedSubscribe } from './shared-execution.js';

/** A schema whose two subscriptions stream the same payload objects, counting how often `label` resolves. */
function fixture(payloads: object[]) {
  let resolved = 0;
  const Event = new GraphQLObjectType({
    name: 'Event',
    fields: {
      label: {
        type: GraphQLString,
        args: { prefix: { type: GraphQLString } },
        resolve: (e: { n: number }, args: { prefix?: string }) => {
          resolved++;
          return `${args.prefix ?? ''}${e.n}`;
        },
      },
    },
  });
  const stream = {
    type: Event,
    args: { t: { type: GraphQLString } },
    subscribe: async function* () {
      yield* payloads;
    },
    resolve: (e: unknown) => e,
  };
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { threadEvents: stream, notifications: stream },
    }),
  });
  return { schema, resolved: () => resolved };
}

async function drain(it: AsyncIterableIterator<ExecutionResult> | ExecutionResult) {
  const out: unknown[] = [];
  for await (const r of it as AsyncIterableIterator<ExecutionResult>) out.push(r.data);
  return out;
}

describe('shared subscription execution', () => {
  it('executes an event once for every subscriber asking the same, and apart for other questions', async () => {
    const payloads = [{ n: 1 }, { n: 2 }];
    const f = fixture(payloads);
    const shared = createSharedSubscribe();
    const document = parse('subscription ($t: String) { threadEvents(t: $t) { label } }');
    const other = parse('subscription { threadEvents(t: "x") { label(prefix: "#") } }');
    const same = await Promise.all(
      Array.from({ length: 5 }, () => shared.subscribe({ schema: f.schema, document, variableValues: { t: 'a' } })),
    );
    const results = await Promise.all(same.map(drain));
    for (const r of results) expect(r).toEqual([{ threadEvents: { label: '1' } }, { threadEvents: { label: '2' } }]);
    expect(f.resolved()).toBe(2);
    // Other variables, or another document, get their own results.
    expect(await drain(await shared.subscribe({ schema: f.schema, document, variableValues: { t: 'b' } }))).toEqual(
      results[0],
    );
    expect(await drain(await shared.subscribe({ schema: f.schema, document: other }))).toEqual([
      { threadEvents: { label: '#1' } },
      { threadEvents: { label: '#2' } },
    ]);
    expect(f.resolved()).toBe(6);
  });

  it('executes per subscriber the subscriptions that read their own context', async () => {
    const f = fixture([{ n: 1 }]);
    const shared = createSharedSubscribe();
    const document = parse('subscription { notifications { label } }');
    for (let i = 0; i < 3; i++) await drain(await shared.subscribe({ schema: f.schema, document }));
    expect(f.resolved()).toBe(3);
  });

  it('ends the source when the subscriber completes', async () => {
    let finished = false;
    const f = fixture([]);
    const schema = new GraphQLSchema({
      query: f.schema.getQueryType(),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: {
          threadEvents: {
            type: GraphQLString,
            subscribe: async function* () {
              try {
                for (;;) yield 'tick';
              } finally {
                finished = true;
              }
            },
            resolve: (v: unknown) => v,
          },
        },
      }),
    });
    const it = (await createSharedSubscribe().subscribe({
      schema,
      document: parse('subscription { threadEvents }'),
    })) as AsyncIterableIterator<ExecutionResult>;
    expect((await it.next()).value).toEqual({ data: { threadEvents: 'tick' } });
    await it.return?.();
    expect(finished).toBe(true);
  });
});
