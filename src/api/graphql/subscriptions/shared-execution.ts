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

/**
 * Maps an async iterator, passing `return` and `throw` through (a completed subscription ends its source). A class,
 * not an object literal of closures: 10,000 subscriptions hold 10,000 of these, and a literal's methods were four
 * closures and a computed `[Symbol.asyncIterator]` name string per instance; `next` chains promises instead of
 * being an async method, whose suspended frame each waiting subscription would hold too.
 */
class MappedIterator<T> implements AsyncIterableIterator<T> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly map: (value: unknown) => T | Promise<T>,
  ) {}

  next(): Promise<IteratorResult<T>> {
    return this.source.next().then((r) => {
      if (r.done) return { value: undefined, done: true };
      return Promise.resolve()
        .then(() => this.map(r.value))
        .then(
          (value): IteratorResult<T> => ({ value, done: false }),
          async (err: unknown) => {
            await this.close();
            throw err;
          },
        );
    });
  }

  async return(): Promise<IteratorResult<T>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async throw(err: unknown): Promise<IteratorResult<T>> {
    await this.close();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async close(): Promise<void> {
    await this.source.return?.();
  }
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
    return intern(`${id}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`);
  }

  // Subscribers asking the same thing hold one copy of its key (each template literal is a tree of ~6 string
  // nodes otherwise, per subscriber). Cleared when large: it only shares strings, it decides nothing.
  const keys = new Map<string, string>();
  function intern(key: string): string {
    const known = keys.get(key);
    if (known !== undefined) return known;
    if (keys.size >= 10_000) keys.clear();
    keys.set(key, key);
    return key;
  }

  return {
    async subscribe(args) {
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
      const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      const run = (payload: unknown): Result => execute({ ...args, rootValue: payload });
      const key = keyOf(args);
      if (key === null) return new MappedIterator(iterator, run);
      return new MappedIterator(iterator, (payload) => {
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
