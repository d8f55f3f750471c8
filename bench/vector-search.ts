// The embedded vector store (PGlite + pgvector; queries served by its in-memory int8 index with exact re-ranking)
// with 100,000 synthetic messages embedded by the hashing embedder: upsert rates, memory index load time and size,
// query latency p50/p99 with and without a thread filter, recall@10 of the normal query against exact search (a
// pgvector sequential scan over the float vectors). `npm run bench -- vector-search` (BENCH_POINTS=20000 for a quick run). Last line: RESULT {json}.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bs58 from 'bs58';
import { readSection } from '../src/config/section.js';
import { vectorSection } from '../src/config/sections/vector.js';
import { HashingEmbedder } from '../src/embed/hashing-embedder.js';
import { silentLogger } from '../src/observability/logger.js';
import { createVectorStore } from '../src/vector/create-vector-store.js';
import { EmbeddedVectorStore } from '../src/vector/embedded/embedded-store.js';
import { sha256Hex } from '../src/vector/point-id.js';
import type { VectorFilter, VectorPoint, VectorStore } from '../src/vector/types.js';
import { type Goal, percentile, printResult, TextGenerator } from '../test/embed/synthetic-text.js';

const POINTS = Number(process.env.BENCH_POINTS ?? 100_000);
const THREADS = 200;
const QUERIES = 200;
const INCREMENTAL = 2_000;
const LOAD_CHUNK = 5_000;
const GOAL_P99_MS = 20;
const GOAL_RECALL = 0.95;

const rate = (count: number, ms: number) => Math.round(count / (ms / 1_000));
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

const generator = new TextGenerator(11);
const embedder = new HashingEmbedder(384);
const threads = Array.from({ length: THREADS }, (_, i) => `thread${String(i).padStart(4, '0')}${'x'.repeat(30)}`);
// Each thread has a topic its messages keep returning to (about 30% of their words).
const topics = threads.map(() => generator.topic());

/**
 * A stand-in message address: base58 of 32 bytes, unique per (thread, content), as the store requires. Not the real
 * PDA: the bench's thread names are not addresses, and a PDA search per point would only slow the set-up.
 */
function syntheticAddress(thread: string, content: string): string {
  return bs58.encode(createHash('sha256').update(`${thread}\n${content}`).digest());
}

function makePoints(count: number, offset: number): VectorPoint[] {
  const points: VectorPoint[] = [];
  for (let i = 0; i < count; i++) {
    // A word count between 15 and 60, and a serial tag so every content (and so every id) is distinct.
    const t = generator.int(THREADS);
    const thread = threads[t]!;
    const content = `${generator.text(15 + generator.int(46), topics[t])} #${offset + i}`;
    points.push({
      vector: embedder.embedOne(content),
      payload: {
        message_address: syntheticAddress(thread, content),
        content_hash: sha256Hex(content),
        thread_id: thread,
        author: `author${generator.int(1_000)}`,
        co_authors: [`author${generator.int(1_000)}`, `author${generator.int(1_000)}`],
        status: generator.int(10) === 0 ? 'PENDING' : 'CONFIRMED',
        slot: offset + i,
        created_at: 1_700_000_000_000 + (offset + i) * 1_000,
        kind: 'message',
        content,
      },
    });
  }
  return points;
}

async function timeQueries(
  store: VectorStore,
  queries: { vector: Float32Array; filter?: VectorFilter }[],
  exact: boolean,
) {
  const latencies: number[] = [];
  const results: string[][] = [];
  const scores: number[][] = [];
  for (const q of queries) {
    const started = performance.now();
    const hits = await store.query({
      vector: q.vector,
      limit: 10,
      withContent: false,
      exact,
      ...(q.filter ? { filter: q.filter } : {}),
    });
    latencies.push(performance.now() - started);
    results.push(hits.map((h) => h.id));
    scores.push(hits.map((h) => h.score));
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), results, scores };
}

/**
 * ann-benchmarks' tolerant recall: a returned hit counts if it scores within 0.001 of the exact 10th best, so that
 * exchanging points of (almost) equal score is not counted as a miss.
 */
function scoreRecallAt10(approx: number[][], exact: number[][]): number {
  let found = 0;
  let total = 0;
  approx.forEach((scores, i) => {
    const truth = exact[i]!;
    const tenth = truth[truth.length - 1] ?? Number.NEGATIVE_INFINITY;
    total += truth.length;
    found += Math.min(truth.length, scores.filter((s) => s >= tenth - 1e-3).length);
  });
  return total === 0 ? 1 : found / total;
}

function recallAt10(approx: string[][], exact: string[][]): number {
  let found = 0;
  let total = 0;
  approx.forEach((ids, i) => {
    const truth = new Set(exact[i]);
    total += truth.size;
    found += ids.filter((id) => truth.has(id)).length;
  });
  return total === 0 ? 1 : found / total;
}

const dataDir = mkdtempSync(join(tmpdir(), 'choir-bench-vectors-'));
console.log(`embedded store in ${dataDir}: ${fmt(POINTS)} messages in ${THREADS} threads, hashing embedder d=384`);
// Settings as the app reads them (the VECTOR_HNSW_* ones only matter to a store built with `memoryIndex: false`).
const settings = readSection(vectorSection, {
  ...process.env,
  QDRANT_URL: '',
  VECTOR_DATA_DIR: dataDir,
  VECTOR_UPSERT_BATCH: '1000',
});
console.log(
  `memory index on; HNSW (unused) m=${settings.hnsw.m} ef_construction=${settings.hnsw.efConstruction} ef_search=${settings.hnsw.efSearch}`,
);
const store = await createVectorStore(settings, silentLogger, embedder);
try {
  await store.ensureCollection();

  // 1. Bulk load, the rebuild path: fill a new collection, swap the alias.
  let embedMs = 0;
  let loadMs = 0;
  const target = store.withCollection('messages_2');
  await target.ensureCollection();
  for (let offset = 0; offset < POINTS; offset += LOAD_CHUNK) {
    let t = performance.now();
    const chunk = makePoints(Math.min(LOAD_CHUNK, POINTS - offset), offset);
    embedMs += performance.now() - t;
    t = performance.now();
    await target.upsert(chunk);
    loadMs += performance.now() - t;
    if ((offset / LOAD_CHUNK) % 5 === 4) console.log(`  loaded ${fmt(offset + chunk.length)}`);
  }
  console.log(`generate + embed: ${fmt(rate(POINTS, embedMs))} messages/s`);
  console.log(`bulk upsert (no index yet): ${fmt(rate(POINTS, loadMs))} points/s (${fmt(loadMs / 1_000)} s)`);
  let t = performance.now();
  await store.swapAlias('messages_2');
  const indexMs = performance.now() - t;
  const info = store instanceof EmbeddedVectorStore ? await store.memoryIndexInfo() : undefined;
  const indexMb = (info?.bytes ?? 0) / 2 ** 20;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  console.log(
    `alias swap, loading the memory index (no HNSW graph is built): ${fmt(indexMs / 1_000)} s; ` +
      `index ≈ ${fmt(indexMb)} MB for ${fmt(info?.points ?? 0)} points, process RSS ${fmt(rssMb)} MB`,
  );
  console.log(`bulk load end to end: ${fmt(rate(POINTS, loadMs + indexMs))} points/s`);

  // 2. Live upserts into the indexed collection (what the app does per message), batches of 100.
  const live = makePoints(INCREMENTAL, POINTS);
  t = performance.now();
  for (let i = 0; i < live.length; i += 100) await store.upsert(live.slice(i, i + 100));
  const liveRate = rate(INCREMENTAL, performance.now() - t);
  console.log(`live upsert into the serving collection: ${fmt(liveRate)} points/s`);
  const total = await store.count();
  console.log(`points stored: ${fmt(total)}`);

  // 3. Queries: an 8-word window of a random stored message (a realistic "find similar" query).
  const sample = makePoints(QUERIES, 10_000_000);
  const queries = sample.map((p) => {
    const words = p.payload.content.split(' ');
    const start = generator.int(Math.max(1, words.length - 8));
    return { vector: embedder.embedOne(words.slice(start, start + 8).join(' ')), thread: p.payload.thread_id };
  });
  await timeQueries(store, queries.slice(0, 20), false); // warm-up
  const plain = queries.map((q) => ({ vector: q.vector }));
  const filtered = queries.map((q) => ({ vector: q.vector, filter: { threadId: q.thread } }));
  const hnsw = await timeQueries(store, plain, false);
  const hnswThread = await timeQueries(store, filtered, false);
  const exact = await timeQueries(store, plain, true);
  const exactThread = await timeQueries(store, filtered, true);
  const recall = recallAt10(hnsw.results, exact.results);
  const recallThread = recallAt10(hnswThread.results, exactThread.results);
  const tolerantRecall = scoreRecallAt10(hnsw.scores, exact.scores);
  const top1 = percentile(
    exact.scores.map((s) => s[0] ?? 0).sort((a, b) => a - b),
    50,
  );
  const tenth = percentile(
    exact.scores.map((s) => s[9] ?? 0).sort((a, b) => a - b),
    50,
  );
  console.log(`query top-10, no filter:     p50 ${fmt(hnsw.p50)} ms, p99 ${fmt(hnsw.p99)} ms`);
  console.log(`query top-10, thread filter: p50 ${fmt(hnswThread.p50)} ms, p99 ${fmt(hnswThread.p99)} ms`);
  console.log(`exact search (peer, pgvector seq scan): p50 ${fmt(exact.p50)} ms, p99 ${fmt(exact.p99)} ms`);
  console.log(`exact search, thread filter:  p50 ${fmt(exactThread.p50)} ms, p99 ${fmt(exactThread.p99)} ms`);
  const speedup = exact.p50 / hnsw.p50;
  console.log(
    `ratio exact/normal p50: ${fmt(speedup)}x (no Qdrant server can run here; the exact scan is the in-run peer)`,
  );
  console.log(
    `recall@10 vs exact: ${fmt(recall)} (no filter), ${fmt(recallThread)} (thread filter), ${QUERIES} queries`,
  );

  const goals: Goal[] = [
    { name: 'query_p99_ms', target: `< ${GOAL_P99_MS}`, value: round(hnsw.p99), pass: hnsw.p99 < GOAL_P99_MS },
    {
      name: 'query_thread_filter_p99_ms',
      target: `< ${GOAL_P99_MS}`,
      value: round(hnswThread.p99),
      pass: hnswThread.p99 < GOAL_P99_MS,
    },
    { name: 'recall_at_10', target: `>= ${GOAL_RECALL}`, value: round(recall, 4), pass: recall >= GOAL_RECALL },
  ];
  printResult(
    'vector-search',
    {
      points: total,
      threads: THREADS,
      dimension: 384,
      embed_messages_per_s: rate(POINTS, embedMs),
      bulk_upsert_points_per_s: rate(POINTS, loadMs),
      alias_swap_with_memory_index_load_s: round(indexMs / 1_000),
      memory_index_mb: Math.round(indexMb),
      rss_mb: Math.round(rssMb),
      bulk_load_end_to_end_points_per_s: rate(POINTS, loadMs + indexMs),
      live_upsert_points_per_s: liveRate,
      query_p50_ms: round(hnsw.p50),
      query_p99_ms: round(hnsw.p99),
      query_thread_filter_p50_ms: round(hnswThread.p50),
      query_thread_filter_p99_ms: round(hnswThread.p99),
      exact_p50_ms: round(exact.p50),
      exact_p99_ms: round(exact.p99),
      exact_over_normal_p50: round(speedup),
      recall_at_10: round(recall, 4),
      recall_at_10_thread_filter: round(recallThread, 4),
      recall_at_10_score_tolerance_0_001: round(tolerantRecall, 4),
      exact_top1_score_median: round(top1, 4),
      exact_10th_score_median: round(tenth, 4),
      query_path: 'in-memory int8 exhaustive scan, top limit+50 re-ranked by exact pgvector distance',
      queries: QUERIES,
      peer: 'exact search (pgvector sequential scan)',
    },
    goals,
  );
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}

function round(n: number, digits = 2): number {
  return Number(n.toFixed(digits));
}
