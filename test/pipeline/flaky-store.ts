/**
 * An in-memory vector store that fails on demand (down: every call rejects with QDRANT_UNAVAILABLE, as an outage
 * would). It keeps points keyed by message point id, so tests can assert exactly which points exist.
 */
import { ChoirError } from '../../src/errors/index.js';
import { messagePointId } from '../../src/vector/point-id.js';
import type {
  CollectionInfo,
  PayloadPatch,
  PointPayload,
  PointSelector,
  ScrollPage,
  ScrollRequest,
  VectorFilter,
  VectorPoint,
  VectorStore,
} from '../../src/vector/types.js';

export class FlakyStore
  implements Pick<VectorStore, 'ensureCollection' | 'upsert' | 'deletePoints' | 'setPayload' | 'scroll' | 'count'>
{
  readonly points = new Map<string, PointPayload>();
  down = false;
  upserts = 0;

  private check() {
    if (this.down) throw new ChoirError('QDRANT_UNAVAILABLE', 'vector store double is down');
  }

  private select(target: PointSelector): string[] {
    if ('messageAddresses' in target) return target.messageAddresses.map(messagePointId);
    return [...this.points.entries()].filter(([, p]) => matches(p, target.filter)).map(([id]) => id);
  }

  /** The one collection always exists here (registerThread calls this first). */
  async ensureCollection(): Promise<CollectionInfo> {
    this.check();
    return {
      name: 'messages',
      physicalName: 'messages_1',
      dimension: 0,
      model: undefined,
      points: this.points.size,
      legacyPoints: 0,
    };
  }

  async upsert(points: readonly VectorPoint[]) {
    this.check();
    this.upserts += 1;
    for (const p of points) this.points.set(messagePointId(p.payload.message_address), { ...p.payload });
  }

  async deletePoints(target: PointSelector) {
    this.check();
    for (const id of this.select(target)) this.points.delete(id);
  }

  async setPayload(patch: PayloadPatch, target: PointSelector) {
    this.check();
    for (const id of this.select(target)) {
      const p = this.points.get(id);
      if (p) this.points.set(id, { ...p, ...patch });
    }
  }

  async scroll(request: ScrollRequest = {}): Promise<ScrollPage> {
    this.check();
    const all = [...this.points.entries()]
      .filter(([, p]) => matches(p, request.filter))
      .sort(([a], [b]) => a.localeCompare(b));
    const start = request.cursor ? Number(request.cursor) : 0;
    const limit = request.limit ?? 256;
    const page = all.slice(start, start + limit).map(([id, payload]) => ({ id, payload }));
    return start + limit < all.length ? { points: page, nextCursor: String(start + limit) } : { points: page };
  }

  async count(filter?: VectorFilter) {
    this.check();
    return [...this.points.values()].filter((p) => matches(p, filter)).length;
  }
}

function matches(p: PointPayload, f: VectorFilter | undefined): boolean {
  if (!f) return true;
  const any = (v: string | readonly string[] | undefined, actual: string) =>
    v === undefined || (typeof v === 'string' ? v === actual : v.includes(actual));
  return (
    any(f.threadId, p.thread_id) &&
    any(f.messageAddress, p.message_address) &&
    any(f.contentHash, p.content_hash) &&
    any(f.author, p.author) &&
    any(f.kind, p.kind)
  );
}
