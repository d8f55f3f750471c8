import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../src/embed/transformers-embedder.js';
import { isChoirError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { runEmbedderContract } from './embedder.contract.js';
import { writeTinyModel } from './tiny-model.js';

// A 16-dimension model written by the test itself: nothing is downloaded.
const modelPath = writeTinyModel(16);
afterAll(() => rmSync(dirname(modelPath), { recursive: true, force: true }));

const load = () => TransformersEmbedder.load({ modelPath, batchSize: 2, maxContentBytes: 1_024 }, silentLogger);

runEmbedderContract('transformers (tiny generated ONNX model)', load, {
  maxContentBytes: 1_024,
  // The tiny model's token vectors are random: sharing words does not reliably mean closer.
  similarTextsAreCloser: false,
});

describe('TransformersEmbedder', () => {
  it('takes its dimension from the model and names it', async () => {
    const embedder = await load();
    expect(embedder.dimension).toBe(16);
    expect(embedder.modelId).toBe('transformers:tiny-encoder:d16');
    await embedder.close();
  });

  it('mean-pools token vectors: a text of one known word differs from one of unknown words', async () => {
    const embedder = await load();
    const [cat, unknown1, unknown2] = await embedder.embed(['cat', 'zebra', 'quokka']);
    // Both unknown words tokenise to [CLS] [UNK] [SEP]: the same mean, so the same vector.
    expect(Array.from(unknown1!)).toEqual(Array.from(unknown2!));
    expect(Array.from(cat!)).not.toEqual(Array.from(unknown1!));
    await embedder.close();
  });

  it('loads only from the local folder, with remote loading off', async () => {
    const embedder = await load();
    expect(env.allowRemoteModels).toBe(false);
    await embedder.close();
    const err = await TransformersEmbedder.load(
      { modelPath: join(dirname(modelPath), 'no-such-model'), batchSize: 2, maxContentBytes: 1_024 },
      silentLogger,
    ).catch((e: unknown) => e);
    expect(isChoirError(err, 'EMBEDDING_FAILED')).toBe(true);
    expect((err as Error).message).toContain('config.json');
  });
});
