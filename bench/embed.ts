// Texts per second of the hashing embedder on 200-word texts, on one core (Node runs this on one thread).
// `npm run bench -- embed`. Last line: RESULT {json}.
import { cpus } from 'node:os';
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

/** Runs `round` repeatedly for `seconds` and returns texts per second. */
async function measure(name: string, seconds: number, round: () => Promise<number> | number): Promise<number> {
  const deadline = performance.now() + 500;
  while (performance.now() < deadline) await round(); // warm-up: let the JIT settle
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1_000) count += await round();
  const rate = count / ((performance.now() - started) / 1_000);
  console.log(`${name}: ${Math.round(rate).toLocaleString('en-US')} texts/s`);
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
    texts_per_second_sync: Math.round(syncRate),
    texts_per_second_api: Math.round(apiRate),
    peer: null,
  },
  [{ name: 'texts_per_second_api', target: `>= ${GOAL}`, value: Math.round(apiRate), pass: apiRate >= GOAL }],
);
