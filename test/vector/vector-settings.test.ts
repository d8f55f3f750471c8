import { describe, expect, it } from 'vitest';
import { readSection } from '../../src/config/section.js';
import { vectorSection } from '../../src/config/sections/vector.js';
import { isChoirError } from '../../src/errors/index.js';

describe('vector settings', () => {
  it('defaults to the embedded store in .choir/vectors, collection messages, 64 KiB content', () => {
    expect(readSection(vectorSection, {})).toEqual({
      qdrant: undefined,
      collection: 'messages',
      upsertBatchSize: 256,
      dataDir: '.choir/vectors',
      memoryIndex: true,
      hnsw: { m: 16, efConstruction: 64, efSearch: 200 },
      maxContentBytes: 65_536,
    });
  });

  it('selects Qdrant when QDRANT_URL is set', () => {
    const settings = readSection(vectorSection, {
      QDRANT_URL: 'https://qdrant.example:6333',
      QDRANT_API_KEY: 'k',
      QDRANT_TIMEOUT_MS: '2500',
    });
    expect(settings.qdrant).toEqual({
      url: 'https://qdrant.example:6333',
      apiKey: 'k',
      timeoutMs: 2_500,
      retryAttempts: 5,
    });
  });

  it('rejects a bad URL or collection name, hiding secrets', () => {
    for (const env of [{ QDRANT_URL: 'qdrant:6333' }, { QDRANT_COLLECTION: 'Messages-1' }]) {
      const err = (() => {
        try {
          readSection(vectorSection, env);
        } catch (e) {
          return e;
        }
      })();
      expect(isChoirError(err, 'CONFIG_INVALID')).toBe(true);
    }
    expect(
      Object.entries(vectorSection.variables)
        .filter(([, s]) => s.secret)
        .map(([n]) => n),
    ).toEqual(['QDRANT_API_KEY']);
  });
});
