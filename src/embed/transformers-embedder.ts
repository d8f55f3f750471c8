import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { env, type FeatureExtractionPipeline, pipeline } from '@huggingface/transformers';
import { ChoirError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { checkEmbeddings, checkTexts } from './checks.js';
import type { Embedder } from './types.js';

export interface TransformersEmbedderOptions {
  /** A folder with `config.json`, `tokenizer.json`, `tokenizer_config.json` and `onnx/model.onnx`. */
  modelPath: string;
  batchSize: number;
  maxContentBytes: number;
}

/**
 * A sentence-embedding model run locally by transformers.js (ONNX Runtime on the CPU): tokenise, run the model,
 * mean-pool the token vectors over the attention mask, L2-normalise. Loads only from the given folder; remote
 * loading is switched off, so a missing file is an error at start rather than a download.
 */
export class TransformersEmbedder implements Embedder {
  readonly kind = 'transformers' as const;

  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    readonly modelId: string,
    readonly dimension: number,
    private readonly options: TransformersEmbedderOptions,
  ) {}

  static async load(options: TransformersEmbedderOptions, logger: Logger): Promise<TransformersEmbedder> {
    const folder = resolve(options.modelPath);
    for (const file of ['config.json', 'tokenizer.json', join('onnx', 'model.onnx')]) {
      if (!existsSync(join(folder, file))) {
        throw new ChoirError(
          'EMBEDDING_FAILED',
          `EMBED_MODEL_PATH=${options.modelPath} has no ${file}: it must be a transformers.js model folder ` +
            '(config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)',
          { details: { modelPath: folder, missing: file } },
        );
      }
    }
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${dirname(folder)}/`;
    const started = performance.now();
    let extractor: FeatureExtractionPipeline;
    try {
      extractor = (await pipeline('feature-extraction', basename(folder), {
        dtype: 'fp32',
        local_files_only: true,
      })) as FeatureExtractionPipeline;
    } catch (err) {
      throw new ChoirError('EMBEDDING_FAILED', `cannot load the model in ${folder}: ${(err as Error).message}`, {
        details: { modelPath: folder },
        cause: err,
      });
    }
    // The model decides the dimension: embed one probe text to learn it.
    const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
    const dimension = probe.dims[1];
    if (typeof dimension !== 'number' || dimension < 1) {
      throw new ChoirError('EMBEDDING_FAILED', `the model in ${folder} returned no sentence embedding`);
    }
    const modelId = `transformers:${basename(folder)}:d${dimension}`;
    logger.info({ modelId, ms: Math.round(performance.now() - started) }, 'loaded embedding model');
    return new TransformersEmbedder(extractor, modelId, dimension, options);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    checkTexts(texts, this.options.maxContentBytes);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.options.batchSize) {
      const batch = texts.slice(i, i + this.options.batchSize);
      let vectors: number[][];
      try {
        const tensor = await this.extractor([...batch], { pooling: 'mean', normalize: true });
        vectors = tensor.tolist() as number[][];
      } catch (err) {
        throw new ChoirError('EMBEDDING_FAILED', `the embedding model failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      out.push(...checkEmbeddings(vectors, batch.length, this.dimension, `model ${this.modelId}`));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.extractor.dispose();
  }
}
