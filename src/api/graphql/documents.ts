/**
 * Parsed and validated documents by query text, for graphql-ws (Apollo keeps its own store for HTTP). Clients send
 * the same few subscription texts over and over: 10,000 subscribers of a thread then share one AST, validated once,
 * instead of holding 10,000 copies. Bounded; the oldest text goes first.
 */
import { type DocumentNode, type GraphQLError, type GraphQLSchema, parse, validate } from 'graphql';

export type Parsed =
  | { document: DocumentNode; errors: readonly GraphQLError[]; query: string }
  | { parseError: GraphQLError };

export interface DocumentCache {
  get(query: string): Parsed;
}

export function createDocumentCache(schema: GraphQLSchema, max = 1_000): DocumentCache {
  const cache = new Map<string, Parsed>();
  return {
    get(query) {
      const hit = cache.get(query);
      if (hit) return hit;
      let parsed: Parsed;
      try {
        const document = parse(query);
        // `query`: the cached text, for callers to keep instead of their own copy of it (graphql-ws holds each
        // subscribe message for the subscription's life: 10,000 copies of one text otherwise).
        parsed = { document, errors: validate(schema, document), query };
      } catch (err) {
        // Parse errors are not kept: a garbage text must not evict good ones.
        return { parseError: err as GraphQLError };
      }
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(query, parsed);
      return parsed;
    },
  };
}
