/**
 * graphql-ws's `subscribe`, with one execution per live event for all the subscribers that asked the same thing.
 * graphql-js maps every event of every subscription through `execute`; when 10,000 clients follow one thread with
 * one query, the hub hands all of them the same event record and each would build the same result. Here the
 * result of (event record, document, operation, variables) is built once and shared.
 *
 * Only `threadEvents` and `events` are shared: their results depend on the event and the selection alone.
 * `messageStatus` and `notifications` read the subscriber's context (its loaders, its key) and are executed per
 * subscriber, as graphql-js would.
 */
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  Kind,
} from 'graphql';

const SHAREABLE = new Set(['threadEvents', 'events']);

type Result = ExecutionResult | Promise<ExecutionResult>;

export interface SharedSubscribe {
  subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;
}

/** Maps an async iterator, passing `return` and `throw` through (a completed subscription ends its source). */
function mapIterator<T>(
  source: AsyncIterator<unknown>,
  map: (value: unknown) => T | Promise<T>,
): AsyncIterableIterator<T> {
  const close = async () => {
    await source.return?.();
  };
  return {
    async next() {
      const r = await source.next();
      if (r.done) return { value: undefined, done: true };
      try {
        return { value: await map(r.value), done: false };
      } catch (err) {
        await close();
        throw err;
      }
    },
    async return() {
      await close();
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await close();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export function createSharedSubscribe(): SharedSubscribe {
  // Results by event record (the hub's object, alive while it is being delivered), then by what was asked.
  const results = new WeakMap<object, Map<string, Result>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextId = 1;

  /** What identifies the question, or null when its results may not be shared. */
  function keyOf(args: ExecutionArgs): string | null {
    const operation = getOperationAST(args.document, args.operationName);
    const root = operation?.selectionSet.selections ?? [];
    const field = root.length === 1 ? root[0] : undefined;
    if (field?.kind !== Kind.FIELD || !SHAREABLE.has(field.name.value)) return null;
    let id = documentIds.get(args.document);
    if (id === undefined) {
      id = nextId++;
      documentIds.set(args.document, id);
    }
    return `${id}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`;
  }

  return {
    async subscribe(args) {
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
      const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      const run = (payload: unknown): Result => execute({ ...args, rootValue: payload });
      const key = keyOf(args);
      if (key === null) return mapIterator(iterator, run);
      return mapIterator(iterator, (payload) => {
        if (typeof payload !== 'object' || payload === null) return run(payload);
        let byKey = results.get(payload);
        if (!byKey) {
          byKey = new Map();
          results.set(payload, byKey);
        }
        let result = byKey.get(key);
        if (!result) {
          result = run(payload);
          byKey.set(key, result);
        }
        return result;
      });
    },
  };
}
