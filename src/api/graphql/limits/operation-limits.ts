/**
 * Limits checked on a parsed, validated operation before it runs, the same for HTTP and graphql-ws:
 * - depth: the deepest selection (fragments expanded) — a cyclic schema (thread → messages → thread …) would
 *   otherwise let one query walk the whole database;
 * - breadth: response names in one selection set, aliases included — `a1: thread(…) a2: thread(…) …` ×10,000
 *   (a field repeated across inline fragments on different types is one name: one slot in the answer);
 * - cost: graphql-query-complexity over the `complexity` each field declares (lists: page size × what each node
 *   selects), default 1 per field.
 * Introspection (`__schema`, `__type`) walks the type system, not the data: its subtrees count toward neither the
 * depth nor the cost (graphql-js's own getIntrospectionQuery is 15 levels deep, GraphiQL's and codegen's too), but
 * have their own depth bound, so a 100-deep `ofType { ofType { … } }` is still refused.
 */
import { createRequire } from 'node:module';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { ChoirError } from '../../../errors/index.js';

// The package's ESM build imports `graphql/index.mjs`, a second copy of graphql next to the CommonJS one that
// type-graphql and Apollo use ("Cannot use GraphQLObjectType from another module or realm"). Its CommonJS build
// requires `graphql`, the shared copy.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxComplexity: number;
}

function tooComplex(message: string, details: Record<string, unknown>): GraphQLError {
  const original = new ChoirError('QUERY_TOO_COMPLEX', message, { details });
  return new GraphQLError(message, { originalError: original, extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

type Fragments = Map<string, FragmentDefinitionNode>;

/** Fields that introspect the schema. */
const INTROSPECTION = new Set(['__schema', '__type']);
/** Deepest introspection subtree, counted from the `__schema`/`__type` field (getIntrospectionQuery: 15). */
export const MAX_INTROSPECTION_DEPTH = 20;

/** The selections of a set with fragments (inline or named) flattened into it. */
function* flatten(set: SelectionSetNode, fragments: Fragments, seen: Set<string>): Generator<FieldNode> {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) yield s;
    else if (s.kind === Kind.INLINE_FRAGMENT) yield* flatten(s.selectionSet, fragments, seen);
    else {
      const fragment = fragments.get(s.name.value);
      // A fragment cycle is a validation error; here it only must not loop.
      if (!fragment || seen.has(s.name.value)) continue;
      seen.add(s.name.value);
      yield* flatten(fragment.selectionSet, fragments, seen);
      seen.delete(s.name.value);
    }
  }
}

interface Measure {
  /** Levels of fields outside introspection. */
  depth: number;
  /** Most fields in one selection set. */
  breadth: number;
  /** Levels of the deepest introspection subtree, from its `__schema`/`__type` field. */
  introspection: number;
}

/**
 * Depth, breadth and introspection depth of a selection set, fragments expanded. Inside an introspection subtree
 * (`inIntrospection`), levels count toward `introspection` only.
 */
function measure(set: SelectionSetNode, fragments: Fragments, level = 0, inIntrospection = false): Measure {
  let depth = inIntrospection ? 0 : level;
  let introspection = inIntrospection ? level : 0;
  let breadth = 0;
  // Distinct response names: `a1: thread(…) a2: thread(…)` are two, while the same field under inline fragments
  // on different types (`... on A { id } ... on B { id }`) is one answer slot, as graphql-js merges it.
  const names = new Set<string>();
  for (const field of flatten(set, fragments, new Set())) {
    names.add(field.alias?.value ?? field.name.value);
    const entering = !inIntrospection && INTROSPECTION.has(field.name.value);
    // An introspection field is level 1 of its own subtree.
    const here = entering ? 0 : level;
    if (inIntrospection || entering) introspection = Math.max(introspection, here + 1);
    else depth = Math.max(depth, level + 1);
    if (field.selectionSet) {
      // Deep enough already to fail: stop walking (an attacker's document may be huge).
      if (here > 1_000) break;
      const inner = measure(field.selectionSet, fragments, here + 1, inIntrospection || entering);
      depth = Math.max(depth, inner.depth);
      introspection = Math.max(introspection, inner.introspection);
      breadth = Math.max(breadth, inner.breadth);
    }
  }
  return { depth, breadth: Math.max(breadth, names.size), introspection };
}

/** The operation without its introspection fields (they are priced by their depth bound, not by cost). */
function withoutIntrospection(document: DocumentNode): DocumentNode {
  return visit(document, {
    Field: (node) => (INTROSPECTION.has(node.name.value) ? null : undefined),
  });
}

/** The errors of an operation that breaks a limit (empty: it may run). */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): GraphQLError[] {
  const fragments: Fragments = new Map();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return [];
  const { depth, breadth, introspection } = measure(operation.selectionSet, fragments);
  if (introspection > MAX_INTROSPECTION_DEPTH) {
    return [
      tooComplex(`the introspection is ${introspection} levels deep; at most ${MAX_INTROSPECTION_DEPTH} are allowed`, {
        depth: introspection,
      }),
    ];
  }
  if (depth > limits.maxDepth) {
    return [tooComplex(`the operation is ${depth} levels deep; at most ${limits.maxDepth} are allowed`, { depth })];
  }
  if (breadth > limits.maxAliases) {
    return [tooComplex(`a selection lists ${breadth} fields; at most ${limits.maxAliases} are allowed`, { breadth })];
  }
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: introspection > 0 ? withoutIntrospection(document) : document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    // Bad variables: execution reports them with its own error.
    if (err instanceof GraphQLError) return [];
    throw err;
  }
  if (cost > limits.maxComplexity) {
    return [
      tooComplex(`the operation costs ${cost}; at most ${limits.maxComplexity} is allowed (ask for smaller pages)`, {
        cost,
      }),
    ];
  }
  return [];
}
