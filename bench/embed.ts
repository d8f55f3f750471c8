// Texts per second of the hashing embedder on 200-word texts, on one core (Node runs this on one thread).
// `npm run bench -- embed`. Last line: RESULT {json}.
import { cpus, loadavg } from 'node:os';
import { HashingEmbedder } from '../src/embed/hashing-embedder.js';
import { printResult, TextGenerator } from '../test/embed/synthetic-text.js';

const WORDS = 200;
const DISTINCT_TEXTS = 2_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const GOAL = 20_000;

const generator = new TextGenerator(7);
const texts = Array.from({ length: DISTINCT_TEXTS }, () => generator.text(WORDS));
const avgChars = Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length);
const embedder = new HashingEmbedder(384);
console.log(
  `hashing embedder ${embedder.modelId}: ${DISTINCT_TEXTS} distinct texts of ${WORDS} words (${avgChars} chars avg)`,
);
console.log(`cpu: ${cpus()[0]?.model ?? 'unknown'}; node ${process.version}; one thread`);

interface Rate {
  /** Texts per second of wall-clock time: what an idle core gives. */
  wall: number;
  /** Texts per second of CPU time used by this process: one core's worth, even on a busy machine. */
  cpu: number;
}

/** Runs `round` repeatedly for `seconds` and returns texts per second of wall time and of CPU time. */
async function measure(name: string, seconds: number, round: () => Promise<number> | number): Promise<Rate> {
  const deadline = performance.now() + 500;
  while (performance.now() < deadline) await round(); // warm-up: let the JIT settle
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  while (performance.now() - started < seconds * 1_000) count += await round();
  const wallSeconds = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rate = { wall: count / wallSeconds, cpu: count / cpuSeconds };
  const show = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`${name}: ${show(rate.wall)} texts/s wall, ${show(rate.cpu)} texts per CPU-second`);
  return rate;
}

// The synchronous core, one text at a time.
const syncRate = await measure('embedOne (sync core)', SECONDS, () => {
  for (const t of texts) embedder.embedOne(t);
  return texts.length;
});
// The Embedder interface as the app calls it: validated batches of 64.
const batches: string[][] = [];
for (let i = 0; i < texts.length; i += 64) batches.push(texts.slice(i, i + 64));
const apiRate = await measure('embed() in batches of 64 (validated, async)', SECONDS, async () => {
  for (const b of batches) await embedder.embed(b);
  return texts.length;
});
console.log('peer: none — no comparable offline embedder is installed; the transformers embedder needs a model folder');

printResult(
  'embed',
  {
    words_per_text: WORDS,
    dimension: embedder.dimension,
    texts_per_second_sync: Math.round(syncRate.wall),
    texts_per_second_api: Math.round(apiRate.wall),
    texts_per_cpu_second_api: Math.round(apiRate.cpu),
    load_average_1m: Number(loadavg()[0]?.toFixed(2)),
    peer: null,
  },
  [
    {
      // Judged on wall-clock time, the conservative figure: on a busy machine it drops (see load_average_1m), and
      // CPU-time accounting under contention (VM steal) is too unreliable to judge by.
      name: 'texts_per_second_api',
      target: `>= ${GOAL}`,
      value: Math.round(apiRate.wall),
      pass: apiRate.wall >= GOAL,
    },
  ],
);
