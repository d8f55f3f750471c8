import { assertContent } from '../embed/content.js';
import { ChoirError } from '../errors/index.js';
import { normaliseFilter } from './filter.js';
import { isContentHash, isRecordAddress, messagePointId, sha256Hex, threadPointId } from './point-id.js';
import {
  PATCHABLE_FIELDS,
  type PayloadPatch,
  POINT_KINDS,
  type PointPayload,
  type PointSelector,
  type VectorPoint,
  type VectorQuery,
} from './types.js';

const PAYLOAD_KEYS: readonly (keyof PointPayload)[] = [
  'message_address',
  'content_hash',
  'thread_id',
  'author',
  'co_authors',
  'status',
  'slot',
  'created_at',
  'kind',
  'content',
];

export const MAX_QUERY_LIMIT = 1_000;
export const MAX_SCROLL_LIMIT = 10_000;

/** Copies a vector into a unit-length plain array after checking its length and that every component is finite. */
export function checkedVector(vector: ArrayLike<number> | undefined, dimension: number, what: string): number[] {
  if (!vector || typeof vector.length !== 'number') {
    throw new ChoirError('EMBEDDING_INVALID', `${what}: vector is missing`, { details: { expected: dimension } });
  }
  if (vector.length !== dimension) {
    throw new ChoirError(
      'EMBEDDING_INVALID',
      `${what}: vector has ${vector.length} dimensions, the collection has ${dimension}`,
      { details: { expected: dimension, actual: vector.length } },
    );
  }
  const out = new Array<number>(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    const x = vector[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ChoirError('EMBEDDING_INVALID', `${what}: vector component ${i} is ${String(x)}, not a finite number`, {
        details: { index: i },
      });
    }
    out[i] = x;
    norm += x * x;
  }
  // A zero vector has no direction: its cosine similarity to anything is undefined.
  if (norm === 0) throw new ChoirError('EMBEDDING_INVALID', `${what}: vector is all zeros`, { details: {} });
  // Stored and queried at unit length, as Qdrant does for cosine collections, so both backends return the same.
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) out[i] = out[i]! * scale;
  return out;
}

function rejected(index: number, message: string, field: string): ChoirError {
  return new ChoirError('QDRANT_STORAGE_REJECTED', `point ${index}: ${message}`, { details: { index, field } });
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Checks a point's payload; returns the point id it is stored under. */
export function checkPayload(payload: PointPayload, index: number, maxContentBytes: number): string {
  if (payload === null || typeof payload !== 'object') throw rejected(index, 'payload is missing', 'payload');
  for (const key of Object.keys(payload)) {
    if (!(PAYLOAD_KEYS as readonly string[]).includes(key)) {
      throw rejected(index, `unknown payload field "${key}"`, key);
    }
  }
  assertContent(payload.content, maxContentBytes, `point ${index}`);
  if (!isContentHash(payload.content_hash)) {
    throw rejected(index, 'content_hash must be 64 lowercase hex characters', 'content_hash');
  }
  if (sha256Hex(payload.content) !== payload.content_hash) {
    throw rejected(index, 'content_hash is not the sha256 of content', 'content_hash');
  }
  for (const field of ['thread_id', 'author', 'status'] as const) {
    if (!nonEmptyString(payload[field])) throw rejected(index, `${field} must be a non-empty string`, field);
  }
  if (!Array.isArray(payload.co_authors) || !payload.co_authors.every(nonEmptyString)) {
    throw rejected(index, 'co_authors must be a list of non-empty strings', 'co_authors');
  }
  for (const field of ['slot', 'created_at'] as const) {
    const n = payload[field];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw rejected(index, `${field} must be a non-negative integer`, field);
    }
  }
  if (!POINT_KINDS.includes(payload.kind)) {
    throw rejected(index, `kind must be one of ${POINT_KINDS.join(', ')}`, 'kind');
  }
  // The address is not re-derived from thread and hash here (a PDA search per point, and the program id is the
  // caller's business): the store checks its form, the writer (indexer, pipeline) derives it.
  if (!isRecordAddress(payload.message_address)) {
    throw rejected(index, 'message_address must be a base58 address of 32 bytes (the Message PDA)', 'message_address');
  }
  if (payload.kind === 'thread') {
    if (payload.message_address !== payload.thread_id) {
      throw rejected(index, "a thread point's message_address must be its thread_id", 'message_address');
    }
    return threadPointId(payload.thread_id);
  }
  return messagePointId(payload.message_address);
}

export interface CheckedPoint {
  id: string;
  vector: number[];
  payload: PointPayload;
}

/** Validates a whole batch before any of it is written, so a bad point leaves nothing half-written. */
export function checkPoints(
  points: readonly VectorPoint[],
  dimension: number,
  maxContentBytes: number,
): CheckedPoint[] {
  if (!Array.isArray(points)) throw new ChoirError('QDRANT_STORAGE_REJECTED', 'points must be a list');
  const byId = new Map<string, CheckedPoint>();
  points.forEach((point, index) => {
    const id = checkPayload(point?.payload, index, maxContentBytes);
    const vector = checkedVector(point.vector, dimension, `point ${index}`);
    // The last write of the same id wins, as it would in Qdrant.
    byId.set(id, { id, vector, payload: { ...point.payload, co_authors: [...point.payload.co_authors] } });
  });
  return [...byId.values()];
}

export function checkQuery(query: VectorQuery, dimension: number) {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_QUERY_LIMIT) {
    throw new ChoirError('QDRANT_QUERY_INVALID', `limit must be an integer from 1 to ${MAX_QUERY_LIMIT}`, {
      details: { limit: query.limit },
    });
  }
  const threshold = query.scoreThreshold;
  if (threshold !== undefined && (typeof threshold !== 'number' || !(threshold >= -1 && threshold <= 1))) {
    throw new ChoirError('QDRANT_QUERY_INVALID', 'scoreThreshold must be a number from -1 to 1', {
      details: { scoreThreshold: threshold },
    });
  }
  return { vector: checkedVector(query.vector, dimension, 'query'), conditions: normaliseFilter(query.filter) };
}

export function checkPatch(patch: PayloadPatch): PayloadPatch {
  const keys = Object.keys(patch ?? {});
  if (keys.length === 0) throw new ChoirError('QDRANT_STORAGE_REJECTED', 'the payload patch is empty');
  for (const key of keys) {
    if (!(PATCHABLE_FIELDS as readonly string[]).includes(key)) {
      throw new ChoirError(
        'QDRANT_STORAGE_REJECTED',
        `payload field "${key}" cannot be changed (only ${PATCHABLE_FIELDS.join(', ')})`,
        { details: { field: key } },
      );
    }
  }
  if (patch.status !== undefined && !nonEmptyString(patch.status)) {
    throw new ChoirError('QDRANT_STORAGE_REJECTED', 'status must be a non-empty string');
  }
  if (patch.slot !== undefined && !(Number.isSafeInteger(patch.slot) && patch.slot >= 0)) {
    throw new ChoirError('QDRANT_STORAGE_REJECTED', 'slot must be a non-negative integer');
  }
  if (patch.co_authors !== undefined && !(Array.isArray(patch.co_authors) && patch.co_authors.every(nonEmptyString))) {
    throw new ChoirError('QDRANT_STORAGE_REJECTED', 'co_authors must be a list of non-empty strings');
  }
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as PayloadPatch;
}

export type CheckedSelector = { ids: string[] } | { conditions: ReturnType<typeof normaliseFilter> };

/**
 * A selector by message addresses becomes point ids; a filter must not be empty (that would select everything).
 * The old `contentHashes` selector gets an error that says why it went, rather than "needs … or filter".
 */
export function checkSelector(target: PointSelector): CheckedSelector {
  if (target && 'messageAddresses' in target) {
    const addresses: unknown = target.messageAddresses;
    if (!Array.isArray(addresses)) {
      throw new ChoirError('QDRANT_QUERY_INVALID', 'messageAddresses must be a list of base58 message addresses');
    }
    const bad = addresses.find((a) => !isRecordAddress(a));
    if (bad !== undefined) {
      throw new ChoirError(
        'QDRANT_QUERY_INVALID',
        `messageAddresses: ${JSON.stringify(bad)} is not a base58 address of 32 bytes (the Message PDA)`,
        { details: { value: bad } },
      );
    }
    return { ids: [...new Set((addresses as string[]).map(messagePointId))] };
  }
  if (target && 'contentHashes' in (target as object)) {
    throw new ChoirError(
      'QDRANT_QUERY_INVALID',
      'select messages by messageAddresses: a content hash names a message in each thread it was posted in ' +
        '(use filter: { threadId, contentHash } for one thread)',
    );
  }
  if (target && 'filter' in target) {
    const conditions = normaliseFilter(target.filter);
    if (conditions.length === 0) {
      throw new ChoirError('QDRANT_QUERY_INVALID', 'a selector filter must have at least one condition');
    }
    return { conditions };
  }
  throw new ChoirError('QDRANT_QUERY_INVALID', 'a selector needs messageAddresses or filter');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkScrollLimit(limit: number | undefined): number {
  if (limit === undefined) return 256;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SCROLL_LIMIT) {
    throw new ChoirError('QDRANT_QUERY_INVALID', `scroll limit must be an integer from 1 to ${MAX_SCROLL_LIMIT}`, {
      details: { limit },
    });
  }
  return limit;
}

/** A scroll cursor is the id of the next point to read (as both backends hand it out). */
export function checkCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (typeof cursor !== 'string' || !UUID.test(cursor)) {
    throw new ChoirError('QDRANT_QUERY_INVALID', 'scroll cursor is not one this store handed out', {
      details: { cursor },
    });
  }
  return cursor;
}
