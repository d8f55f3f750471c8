/**
 * The operation limits of a document, remembered per document: Apollo hands every request with the same query
 * text the same parsed DocumentNode (its document store), so a hot query pays the depth, breadth and cost walk
 * once instead of on every request. The cost depends on variables only through the arguments the complexity
 * estimators read (`first` of list fields) and through `@skip/@include(if:)`; the cache is keyed by those values.
 */
import { type DocumentNode, type GraphQLError, type GraphQLSchema, Kind, visit } from 'graphql';
import { checkOperationLimits, type OperationLimits } from './operation-limits.js';

/** Variables that can change an operation's cost: those passed to a `first` argument or a directive's `if`. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'if') && node.value.kind === Kind.VARIABLE) {
        names.add(node.value.name.value);
      }
    },
  });
  return [...names].sort();
}

interface Entry {
  readonly variables: readonly string[];
  readonly results: Map<string, GraphQLError[]>;
}

/** Distinct (operation, cost variables) results kept per document; past it the document's results start over. */
const PER_DOCUMENT = 64;

export interface LimitChecker {
  check(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): GraphQLError[];
}

export function createLimitChecker(schema: GraphQLSchema, limits: OperationLimits): LimitChecker {
  const documents = new WeakMap<DocumentNode, Entry>();
  return {
    check(document, operationName, variables) {
      let entry = documents.get(document);
      if (!entry) {
        entry = { variables: costVariables(document), results: new Map() };
        documents.set(document, entry);
      }
      const key = `${operationName ?? ''}|${JSON.stringify(entry.variables.map((v) => variables?.[v] ?? null))}`;
      let errors = entry.results.get(key);
      if (!errors) {
        errors = checkOperationLimits(schema, document, operationName, variables, limits);
        if (entry.results.size >= PER_DOCUMENT) entry.results.clear();
        entry.results.set(key, errors);
      }
      return errors;
    },
  };
}
