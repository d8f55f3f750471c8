import type { Schemas } from '@qdrant/js-client-rest';
import type { Condition } from '../filter.js';

/** Translates validated conditions into a Qdrant filter (all must match); undefined when there are none. */
export function toQdrantFilter(conditions: readonly Condition[]): Schemas['Filter'] | undefined {
  if (conditions.length === 0) return undefined;
  const must: Schemas['FieldCondition'][] = conditions.map((c) => {
    if (c.kind === 'range') return { key: c.key, range: { ...c.range } };
    // `match.value` for one value; `match.any` for a list. On an array field (co_authors) both mean "contains".
    return c.values.length === 1
      ? { key: c.key, match: { value: c.values[0]! } }
      : { key: c.key, match: { any: c.values } };
  });
  return { must };
}
