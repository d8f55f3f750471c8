import type { EmbedSettings } from '../config/sections/embed.js';
import type { Logger } from '../observability/logger.js';
import { CachedEmbedder } from './cached-embedder.js';
import { DEFAULT_MAX_CONTENT_BYTES } from './content.js';
import { HashingEmbedder } from './hashing-embedder.js';
import { HttpEmbedder } from './http-embedder.js';
import { TransformersEmbedder } from './transformers-embedder.js';
import type { Embedder } from './types.js';

export interface CreateEmbedderOptions {
  /** MAX_CONTENT_BYTES from the vector settings (content limits are shared with the store). */
  maxContentBytes?: number;
}

/**
 * Builds the embedder the settings ask for. Model-backed embedders are wrapped in a cache keyed by (model, content
 * hash); the hashing embedder is not, since computing it costs about as much as the cache key's sha256.
 */
export async function createEmbedder(
  settings: EmbedSettings,
  logger: Logger,
  options: CreateEmbedderOptions = {},
): Promise<Embedder> {
  const log = logger.child({ component: 'embedder' });
  const maxContentBytes = options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  const cached = (inner: Embedder) => (settings.cacheSize > 0 ? new CachedEmbedder(inner, settings.cacheSize) : inner);
  switch (settings.kind) {
    case 'hashing':
      log.info({ dimension: settings.dimension }, 'using the hashing embedder (lexical, not semantic)');
      return new HashingEmbedder(settings.dimension, maxContentBytes);
    case 'transformers':
      return cached(
        await TransformersEmbedder.load(
          { modelPath: settings.modelPath!, batchSize: settings.batchSize, maxContentBytes },
          log,
        ),
      );
    case 'http':
      log.info({ url: settings.url, model: settings.model }, 'using an HTTP embeddings endpoint');
      return cached(
        new HttpEmbedder(
          {
            url: settings.url!,
            ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
            model: settings.model!,
            dimension: settings.dimension,
            batchSize: settings.batchSize,
            timeoutMs: settings.timeoutMs,
            retryAttempts: settings.retryAttempts,
            maxContentBytes,
          },
          log,
        ),
      );
  }
}
