import type { Schemas } from '@qdrant/js-client-rest';

/** A request Qdrant would refuse for a reason its OpenAPI schema cannot express (missing collection, wrong size). */
export class QdrantDoubleError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

type PointId = string | number;
type Payload = Record<string, unknown>;

interface StoredPoint {
  id: PointId;
  vector: number[];
  payload: Payload;
}

export interface DoubleCollection {
  name: string;
  size: number;
  distance: Schemas['Distance'];
  metadata: Payload | undefined;
  payloadSchema: Record<string, Schemas['PayloadIndexInfo']>;
  points: Map<string, StoredPoint>;
}

const key = (id: PointId) => (typeof id === 'number' ? `n:${id}` : `s:${id.toLowerCase()}`);

function normalise(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return norm === 0 ? vector : vector.map((x) => x / norm);
}

/**
 * A point's vector or a query as the double stores and compares it: one unnamed dense vector of the collection's size
 * (Qdrant's own message when the size is wrong), normalised for a Cosine collection. Upsert and query check the same
 * way, so this is the one place for it.
 */
function denseVector(collection: DoubleCollection, value: unknown, unsupported: string): number[] {
  if (!Array.isArray(value) || value.some((x) => typeof x !== 'number')) throw new QdrantDoubleError(400, unsupported);
  if (value.length !== collection.size) {
    throw new QdrantDoubleError(
      400,
      `Wrong input: Vector dimension error: expected dim: ${collection.size}, got ${value.length}`,
    );
  }
  return collection.distance === 'Cosine' ? normalise(value) : value;
}

function asList<T>(value: T | T[] | null | undefined): T[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function valuesAt(payload: Payload, path: string): unknown[] {
  const value = payload[path];
  return asList(value as unknown);
}

function matches(point: StoredPoint, condition: Schemas['Condition']): boolean {
  if ('has_id' in condition) return condition.has_id.some((id) => key(id) === key(point.id));
  // Qdrant: "empty" is a missing field, null, or an empty list (how legacy points without a field are found).
  if ('is_empty' in condition) {
    const field = (condition as Schemas['IsEmptyCondition']).is_empty;
    return valuesAt(point.payload, field.key).length === 0;
  }
  if ('must' in condition || 'should' in condition || 'must_not' in condition) {
    return filterMatches(point, condition as Schemas['Filter']);
  }
  if (!('key' in condition)) throw new QdrantDoubleError(400, 'the double does not implement this condition');
  const field = condition as Schemas['FieldCondition'];
  const values = valuesAt(point.payload, field.key);
  if (field.match) {
    const match = field.match as Record<string, unknown>;
    if ('value' in match) return values.some((v) => v === match['value']);
    if ('any' in match) return values.some((v) => (match['any'] as unknown[]).includes(v));
    if ('except' in match) return values.length > 0 && values.every((v) => !(match['except'] as unknown[]).includes(v));
    throw new QdrantDoubleError(400, 'the double does not implement this match');
  }
  if (field.range) {
    const range = field.range as Record<string, number | null | undefined>;
    return values.some((raw) => {
      if (typeof raw !== 'number') return false;
      const { gt, gte, lt, lte } = range;
      return (
        (gt == null || raw > gt) &&
        (gte == null || raw >= gte) &&
        (lt == null || raw < lt) &&
        (lte == null || raw <= lte)
      );
    });
  }
  throw new QdrantDoubleError(400, 'Wrong input: field condition has no condition');
}

export function filterMatches(point: StoredPoint, filter: Schemas['Filter'] | null | undefined): boolean {
  if (!filter) return true;
  const must = asList(filter.must);
  const should = asList(filter.should);
  const mustNot = asList(filter.must_not);
  if (!must.every((c) => matches(point, c))) return false;
  if (should.length > 0 && !should.some((c) => matches(point, c))) return false;
  return !mustNot.some((c) => matches(point, c));
}

function compareIds(a: PointId, b: PointId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
}

function project(point: StoredPoint, withPayload: unknown, withVector: unknown) {
  const out: { id: PointId; payload?: Payload; vector?: number[] } = { id: point.id };
  if (withPayload === true) out.payload = point.payload;
  else if (Array.isArray(withPayload)) {
    out.payload = Object.fromEntries(Object.entries(point.payload).filter(([k]) => withPayload.includes(k)));
  } else if (withPayload && typeof withPayload === 'object') {
    const selector = withPayload as { include?: string[]; exclude?: string[] };
    const keep = (k: string) => (selector.include ? selector.include.includes(k) : !selector.exclude?.includes(k));
    out.payload = Object.fromEntries(Object.entries(point.payload).filter(([k]) => keep(k)));
  }
  if (withVector === true) out.vector = point.vector;
  return out;
}

/** In-memory collections and aliases with the semantics of the Qdrant operations choir uses. */
export class DoubleState {
  readonly collections = new Map<string, DoubleCollection>();
  readonly aliases = new Map<string, string>();

  resolve(name: string): DoubleCollection {
    const collection = this.collections.get(this.aliases.get(name) ?? name);
    if (!collection) throw new QdrantDoubleError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return collection;
  }

  has(name: string): boolean {
    return this.collections.has(this.aliases.get(name) ?? name);
  }

  create(name: string, body: Schemas['CreateCollection']): void {
    if (this.collections.has(name) || this.aliases.has(name)) {
      throw new QdrantDoubleError(409, `Wrong input: Collection \`${name}\` already exists!`);
    }
    const vectors = body.vectors as Schemas['VectorParams'] | undefined;
    if (!vectors || typeof vectors.size !== 'number') {
      throw new QdrantDoubleError(400, 'the double supports one unnamed vector per collection');
    }
    this.collections.set(name, {
      name,
      size: vectors.size,
      distance: vectors.distance,
      metadata: (body.metadata ?? undefined) as Payload | undefined,
      payloadSchema: {},
      points: new Map(),
    });
  }

  drop(name: string): boolean {
    const existed = this.collections.delete(name);
    for (const [alias, target] of this.aliases) if (target === name) this.aliases.delete(alias);
    return existed;
  }

  createIndex(name: string, body: Schemas['CreateFieldIndex']): void {
    const collection = this.resolve(name);
    const schema = body.field_schema;
    const type = typeof schema === 'string' ? schema : (schema as { type: string } | undefined)?.type;
    if (!type) throw new QdrantDoubleError(400, 'Wrong input: field_schema is required');
    const params = typeof schema === 'object' && schema !== null ? schema : undefined;
    collection.payloadSchema[body.field_name] = {
      data_type: type as Schemas['PayloadSchemaType'],
      points: 0,
      ...(params ? { params: params as Schemas['PayloadSchemaParams'] } : {}),
    };
  }

  upsert(name: string, body: Schemas['PointInsertOperations']): void {
    const collection = this.resolve(name);
    if (!('points' in body)) throw new QdrantDoubleError(400, 'the double supports the points form of upsert');
    const incoming: StoredPoint[] = body.points.map((p) => ({
      id: p.id,
      vector: denseVector(collection, p.vector, 'the double supports one unnamed dense vector per point'),
      payload: { ...(p.payload ?? {}) },
    }));
    // Qdrant validates the whole batch before applying it.
    for (const point of incoming) collection.points.set(key(point.id), point);
  }

  selected(collection: DoubleCollection, selector: { points?: PointId[] | null; filter?: Schemas['Filter'] | null }) {
    if (selector.points) {
      return selector.points.flatMap((id) => {
        const point = collection.points.get(key(id));
        return point ? [point] : [];
      });
    }
    return [...collection.points.values()].filter((p) => filterMatches(p, selector.filter));
  }

  setPayload(name: string, body: Schemas['SetPayload']): void {
    const collection = this.resolve(name);
    if (!body.points && !body.filter) throw new QdrantDoubleError(400, 'Wrong input: either points or filter');
    for (const point of this.selected(collection, body)) Object.assign(point.payload, body.payload);
  }

  delete(name: string, body: Schemas['PointsSelector']): void {
    const collection = this.resolve(name);
    const selector = 'points' in body ? { points: body.points } : { filter: body.filter };
    for (const point of this.selected(collection, selector)) collection.points.delete(key(point.id));
  }

  scroll(name: string, body: Schemas['ScrollRequest']) {
    const collection = this.resolve(name);
    const limit = body.limit ?? 10;
    const sorted = [...collection.points.values()]
      .filter((p) => filterMatches(p, body.filter))
      .sort((a, b) => compareIds(a.id, b.id));
    const start = body.offset == null ? 0 : sorted.findIndex((p) => compareIds(p.id, body.offset as PointId) >= 0);
    const page = start < 0 ? [] : sorted.slice(start, start + limit);
    const next = start < 0 ? undefined : sorted[start + limit];
    return {
      points: page.map((p) => project(p, body.with_payload ?? true, body.with_vector ?? false)),
      next_page_offset: next ? next.id : null,
    };
  }

  count(name: string, body: Schemas['CountRequest']) {
    const collection = this.resolve(name);
    return { count: [...collection.points.values()].filter((p) => filterMatches(p, body.filter)).length };
  }

  query(name: string, body: Schemas['QueryRequest']) {
    const collection = this.resolve(name);
    const q = denseVector(collection, body.query, 'the double supports nearest-neighbour queries by a dense vector');
    const scored = [...collection.points.values()]
      .filter((p) => filterMatches(p, body.filter))
      .map((p) => ({ point: p, score: p.vector.reduce((sum, x, i) => sum + x * (q[i] ?? 0), 0) }))
      .filter((s) => body.score_threshold == null || s.score >= body.score_threshold)
      .sort((a, b) => b.score - a.score)
      .slice(body.offset ?? 0, (body.offset ?? 0) + (body.limit ?? 10));
    return {
      points: scored.map((s) => ({
        ...project(s.point, body.with_payload ?? false, body.with_vector ?? false),
        version: 1,
        score: s.score,
      })),
    };
  }

  changeAliases(body: Schemas['ChangeAliasesOperation']): void {
    // Validate first, then apply: Qdrant applies alias changes atomically.
    const next = new Map(this.aliases);
    for (const action of body.actions) {
      if ('delete_alias' in action) {
        next.delete(action.delete_alias.alias_name);
      } else if ('create_alias' in action) {
        const { alias_name, collection_name } = action.create_alias;
        if (!this.collections.has(collection_name)) {
          throw new QdrantDoubleError(404, `Not found: Collection \`${collection_name}\` doesn't exist!`);
        }
        if (this.collections.has(alias_name)) {
          throw new QdrantDoubleError(409, `Wrong input: Collection \`${alias_name}\` already exists!`);
        }
        next.set(alias_name, collection_name);
      } else {
        const { old_alias_name, new_alias_name } = action.rename_alias;
        const target = next.get(old_alias_name);
        if (!target) throw new QdrantDoubleError(404, `Not found: Alias \`${old_alias_name}\` doesn't exist!`);
        next.delete(old_alias_name);
        next.set(new_alias_name, target);
      }
    }
    this.aliases.clear();
    for (const [alias, target] of next) this.aliases.set(alias, target);
  }

  aliasList(collection?: string): Schemas['AliasDescription'][] {
    return [...this.aliases]
      .filter(([, target]) => collection === undefined || target === collection)
      .map(([alias_name, collection_name]) => ({ alias_name, collection_name }));
  }
}
