import { ChoirError } from '../errors/index.js';
import { FILTER_FIELDS, POINT_KINDS, type TimeRange, type VectorFilter } from './types.js';

/** A filter reduced to what both backends translate: keyword "any of" matches and one integer range. */
export type Condition =
  | { kind: 'any'; key: KeywordKey; values: string[] }
  | { kind: 'range'; key: 'created_at'; range: TimeRange };

export type KeywordKey = 'thread_id' | 'author' | 'status' | 'co_authors' | 'kind' | 'message_address' | 'content_hash';

const KEYWORD_FIELDS: Record<Exclude<keyof VectorFilter, 'createdAt'>, KeywordKey> = {
  threadId: 'thread_id',
  author: 'author',
  status: 'status',
  coAuthor: 'co_authors',
  kind: 'kind',
  messageAddress: 'message_address',
  contentHash: 'content_hash',
};

const MAX_VALUES = 1_000;

function invalid(message: string, details: Record<string, unknown>): ChoirError {
  return new ChoirError('QDRANT_QUERY_INVALID', message, { details });
}

function keywordValues(field: string, value: unknown): string[] {
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_VALUES) {
    throw invalid(`filter.${field} must be a string or a list of 1 to ${MAX_VALUES} strings`, { field });
  }
  for (const v of values) {
    if (typeof v !== 'string' || v.length === 0) {
      throw invalid(`filter.${field} values must be non-empty strings`, { field, value: v });
    }
  }
  return [...new Set(values as string[])];
}

function timeRange(value: unknown): TimeRange {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('filter.createdAt must be an object with gt/gte/lt/lte in epoch milliseconds', {
      field: 'createdAt',
    });
  }
  const range: TimeRange = {};
  for (const [bound, limit] of Object.entries(value)) {
    if (bound !== 'gt' && bound !== 'gte' && bound !== 'lt' && bound !== 'lte') {
      throw invalid(`filter.createdAt has an unknown bound "${bound}" (use gt, gte, lt, lte)`, { field: 'createdAt' });
    }
    if (limit === undefined) continue;
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit)) {
      throw invalid(`filter.createdAt.${bound} must be an integer (epoch milliseconds)`, { field: 'createdAt' });
    }
    range[bound] = limit;
  }
  if (Object.keys(range).length === 0) {
    throw invalid('filter.createdAt needs at least one of gt, gte, lt, lte', { field: 'createdAt' });
  }
  return range;
}

/**
 * Checks a filter and reduces it to conditions (all must hold). Unknown fields, empty lists and wrong types raise
 * `QDRANT_QUERY_INVALID` before anything reaches a backend.
 */
export function normaliseFilter(filter: VectorFilter | undefined): Condition[] {
  if (filter === undefined) return [];
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw invalid('filter must be an object', {});
  }
  const conditions: Condition[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
      throw invalid(`unknown filter field "${field}" (known: ${FILTER_FIELDS.join(', ')})`, { field });
    }
    if (value === undefined) continue;
    if (field === 'createdAt') {
      conditions.push({ kind: 'range', key: 'created_at', range: timeRange(value) });
      continue;
    }
    const values = keywordValues(field, value);
    if (field === 'kind') {
      const unknown = values.find((v) => !(POINT_KINDS as readonly string[]).includes(v));
      if (unknown) throw invalid(`filter.kind "${unknown}" is not one of ${POINT_KINDS.join(', ')}`, { field });
    }
    conditions.push({ kind: 'any', key: KEYWORD_FIELDS[field as keyof typeof KEYWORD_FIELDS], values });
  }
  return conditions;
}
