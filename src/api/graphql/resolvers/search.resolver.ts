/**
 * Semantic search. The query is embedded and sent to the vector store with every filter on on-chain state
 * (thread, co-author, author, status, creation time) inside the vector query, so the store ranks only eligible
 * points; a filtered search returns `first` eligible hits, not the eligible part of the first `first`.
 * The vector payload has no message kind, so a `kind` filter over-fetches and keeps the matching kind (kind never
 * changes after submission). Hits are joined with Postgres (one loader batch) for the message and `onChainVerified`.
 * When the store or embedder fails, the answer comes from Postgres's copy with `degraded: true`.
 */
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { isChoirError } from '../../../errors/index.js';
import type { HitPayload, VectorFilter } from '../../../vector/types.js';
import { ALL_TAG, type CachedHit, threadTag } from '../cache/api-caches.js';
import type { ApiContext } from '../context.js';
import type { MessageRecord } from '../read/records.js';
import { searchPostgres } from '../read/search-fallback.js';
import { requireService } from '../services.js';
import { SearchFilter, SearchResult } from '../types/search.js';
import { badInput, optionalKey, pageSize } from '../validate.js';

const FALLBACK_CODES = new Set(['QDRANT_UNAVAILABLE', 'QDRANT_QUERY_FAILED', 'EMBEDDING_FAILED', 'INTERNAL']);
const KIND_OVERFETCH = 4;
const MAX_QUERY_CHARS = 2_000;

/** Its hash is recorded on chain in the hit's thread at confirmed or finalized commitment. */
export function onChainVerified(row: MessageRecord | null, payload: Pick<HitPayload, 'thread_id' | 'content_hash'>) {
  return (
    row !== null &&
    row.slot !== null &&
    row.chainStatus !== null &&
    (row.commitment === 'CONFIRMED' || row.commitment === 'FINALIZED') &&
    row.threadAddress === payload.thread_id &&
    row.contentHash === payload.content_hash
  );
}

@Resolver()
export class SearchResolver {
  @Query(() => SearchResult, { complexity: ({ args, childComplexity }) => 10 + (args.first ?? 10) * childComplexity })
  async search(
    @Arg('query', () => String) query: string,
    @Ctx() ctx: ApiContext,
    @Arg('threadAddress', () => ID, { nullable: true }) threadAddress?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('filter', () => SearchFilter, { nullable: true }) filter?: SearchFilter,
  ): Promise<SearchResult> {
    const started = performance.now();
    const text = query.trim();
    if (!text) throw badInput('query', 'must not be empty');
    if (text.length > MAX_QUERY_CHARS) throw badInput('query', `must be at most ${MAX_QUERY_CHARS} characters`);
    const limit = pageSize(first, 10, ctx.settings.maxPageSize);
    const thread = optionalKey('threadAddress', threadAddress);
    const author = optionalKey('filter.author', filter?.author);
    const coAuthor = optionalKey('filter.coAuthor', filter?.coAuthor);
    const createdAt: NonNullable<VectorFilter['createdAt']> = {};
    if (filter?.createdAfter) createdAt.gt = filter.createdAfter.getTime();
    if (filter?.createdBefore) createdAt.lt = filter.createdBefore.getTime();
    const vectorFilter: VectorFilter = {
      kind: 'message',
      ...(thread ? { threadId: thread } : {}),
      ...(author ? { author } : {}),
      ...(coAuthor ? { coAuthor } : {}),
      ...(filter?.status?.length ? { status: filter.status } : {}),
      ...(Object.keys(createdAt).length ? { createdAt } : {}),
    };

    const vectorLimit = Math.min(1_000, filter?.kind ? limit * KIND_OVERFETCH : limit);
    let hits: readonly CachedHit[];
    try {
      hits = await cachedSearch(ctx, { text, vectorFilter, vectorLimit });
    } catch (err) {
      if (isChoirError(err) && !FALLBACK_CODES.has(err.code)) throw err;
      ctx.logger.warn({ err }, 'vector search failed: answering from Postgres (degraded)');
      const rows = await searchPostgres(ctx.loaders.sql, {
        query: text,
        limit,
        threadAddress: thread,
        author,
        coAuthor,
        statuses: filter?.status?.length ? filter.status : null,
        kind: filter?.kind ?? null,
        createdAfter: filter?.createdAfter ?? null,
        createdBefore: filter?.createdBefore ?? null,
      });
      return {
        hits: rows.map((m) => ({ message: m as never, score: 0, onChainVerified: onChainVerified(m, toPayload(m)) })),
        degraded: true,
        tookMs: took(ctx, 'fallback', started),
      };
    }

    const rows = await ctx.loaders.message.loadMany(hits.map((h) => h.address));
    const out: SearchResult['hits'] = [];
    for (const [i, h] of hits.entries()) {
      const row = rows[i];
      if (row instanceof Error) throw row;
      // A point without its row: the row was retracted by a fork after the point was written; not a result.
      if (!row) continue;
      if (filter?.kind && row.kind !== filter.kind) continue;
      out.push({ message: row as never, score: h.score, onChainVerified: onChainVerified(row, h.payload) });
      if (out.length === limit) break;
    }
    return { hits: out, degraded: false, tookMs: took(ctx, 'vector', started) };
  }
}

/**
 * The embedding and vector query of a search, through the process's cache when it has one (cache/api-caches.ts):
 * keyed by the query, its filter and limit; dropped by any event of the filtered thread, or by any event at all
 * when the search spans every thread.
 */
async function cachedSearch(
  ctx: ApiContext,
  q: { text: string; vectorFilter: VectorFilter; vectorLimit: number },
): Promise<readonly CachedHit[]> {
  const cache = ctx.caches?.search;
  const key = JSON.stringify([q.text, q.vectorFilter, q.vectorLimit]);
  const cached = cache?.get(key);
  if (cached) return cached;
  const ticket = cache?.ticket() ?? 0;
  const embedder = requireService(ctx, 'embedder');
  const store = requireService(ctx, 'vectorStore');
  const [vector] = await embedder.embed([q.text]);
  const points = await store.query({
    vector: vector as Float32Array,
    filter: q.vectorFilter,
    limit: q.vectorLimit,
    withContent: false,
  });
  const hits = points.map((p) => ({
    address: p.payload.message_address,
    score: p.score,
    payload: { thread_id: p.payload.thread_id, content_hash: p.payload.content_hash },
  }));
  const threads = q.vectorFilter.threadId;
  const tags = threads === undefined ? [ALL_TAG] : (typeof threads === 'string' ? [threads] : threads).map(threadTag);
  cache?.set(key, hits, tags, ticket);
  return hits;
}

/** Milliseconds since `started`, observed as `choir_search_response_time_seconds{mode}`. */
function took(ctx: ApiContext, mode: 'vector' | 'fallback', started: number): number {
  const ms = performance.now() - started;
  ctx.metrics?.searchResponseTime.observe({ mode }, ms / 1000);
  return ms;
}

function toPayload(m: MessageRecord) {
  return { thread_id: m.threadAddress, content_hash: m.contentHash };
}
