import { describe, expect, it } from 'vitest';
import { readSection } from '../../src/config/section.js';
import { embedSection } from '../../src/config/sections/embed.js';
import { CachedEmbedder } from '../../src/embed/cached-embedder.js';
import { createEmbedder } from '../../src/embed/create-embedder.js';
import { HashingEmbedder } from '../../src/embed/hashing-embedder.js';
import { HttpEmbedder } from '../../src/embed/http-embedder.js';
import { isChoirError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/observability/logger.js';

describe('embed settings and createEmbedder', () => {
  it('defaults to the 384-dimension hashing embedder, uncached', async () => {
    const settings = readSection(embedSection, {});
    expect(settings).toMatchObject({ kind: 'hashing', dimension: 384, batchSize: 64, cacheSize: 10_000 });
    const embedder = await createEmbedder(settings, silentLogger, { maxContentBytes: 10 });
    expect(embedder).toBeInstanceOf(HashingEmbedder);
    const err = await embedder.embed(['more than ten bytes']).catch((e: unknown) => e);
    expect(isChoirError(err, 'EMBEDDING_INVALID')).toBe(true);
  });

  it('builds a cached HTTP embedder from EMBED_URL, EMBED_MODEL and EMBED_API_KEY', async () => {
    const settings = readSection(embedSection, {
      EMBEDDER: 'http',
      EMBED_URL: 'http://127.0.0.1:9/v1',
      EMBED_MODEL: 'm',
      EMBED_API_KEY: 'k',
      EMBED_DIM: '768',
    });
    const embedder = await createEmbedder(settings, silentLogger);
    expect(embedder).toBeInstanceOf(CachedEmbedder);
    expect(embedder.modelId).toBe('http:m:d768');
    const uncached = await createEmbedder({ ...settings, cacheSize: 0 }, silentLogger);
    expect(uncached).toBeInstanceOf(HttpEmbedder);
  });

  it('stops with one line naming what is missing or wrong', () => {
    const fail = (env: Record<string, string>) => {
      try {
        readSection(embedSection, env);
      } catch (err) {
        expect(isChoirError(err, 'CONFIG_INVALID')).toBe(true);
        return (err as Error).message;
      }
      throw new Error('expected CONFIG_INVALID');
    };
    expect(fail({ EMBEDDER: 'transformers' })).toContain('EMBED_MODEL_PATH');
    expect(fail({ EMBEDDER: 'http', EMBED_URL: 'http://x' })).toContain('EMBED_MODEL');
    expect(fail({ EMBEDDER: 'openai' })).toContain('EMBEDDER="openai"');
    expect(fail({ EMBED_DIM: '3' })).toContain('EMBED_DIM');
    expect(fail({ EMBED_API_KEY: '', EMBED_URL: 'ftp://x' })).toContain('EMBED_URL');
  });
});
