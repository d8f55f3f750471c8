import { defineSection } from '../section.js';
import { v } from '../variable.js';

export const embedSection = defineSection(
  'embed',
  {
    EMBEDDER: v.oneOf(['hashing', 'transformers', 'http'], {
      default: 'hashing',
      example: 'transformers',
      description:
        'How content becomes vectors: `hashing` (offline, deterministic, lexical — not semantic), `transformers` ' +
        '(a local sentence-embedding model) or `http` (an OpenAI-compatible `/v1/embeddings` endpoint).',
    }),
    EMBED_DIM: v.int({
      default: '384',
      min: 8,
      max: 8_192,
      example: '384',
      description:
        'Vector dimension of the `hashing` and `http` embedders (`transformers` takes it from the model). ' +
        'Changing it requires `choir rebuild-index`.',
    }),
    EMBED_MODEL_PATH: v.string({
      example: './models/all-MiniLM-L6-v2',
      description:
        'Folder of a transformers.js sentence-embedding model (`config.json`, `tokenizer.json`, `onnx/model.onnx`); ' +
        'required for `EMBEDDER=transformers`. Nothing is downloaded.',
    }),
    EMBED_URL: v.url({
      protocols: ['http', 'https'],
      example: 'http://127.0.0.1:8080',
      description:
        'Base URL of an OpenAI-compatible embeddings API (`/v1/embeddings` is appended); for `EMBEDDER=http`.',
    }),
    EMBED_API_KEY: v.string({
      secret: true,
      example: 'sk-embeddings',
      description: 'Bearer token sent to `EMBED_URL`.',
    }),
    EMBED_MODEL: v.string({
      example: 'text-embedding-3-small',
      description: 'Model name sent to `EMBED_URL`; required for `EMBEDDER=http`.',
    }),
    EMBED_BATCH_SIZE: v.int({
      default: '64',
      min: 1,
      max: 2_048,
      example: '64',
      description: 'Texts per embedding request (`http`) or model call (`transformers`).',
    }),
    EMBED_TIMEOUT_MS: v.int({
      default: '30000',
      min: 100,
      max: 600_000,
      example: '30000',
      description: 'Timeout of one embedding request (`http`).',
    }),
    EMBED_RETRY_ATTEMPTS: v.int({
      default: '4',
      min: 1,
      max: 20,
      example: '4',
      description: 'Attempts per embedding request on network errors, 5xx and 429 (`http`).',
    }),
    EMBED_CACHE_SIZE: v.int({
      default: '10000',
      min: 0,
      max: 10_000_000,
      example: '10000',
      description: 'Embeddings kept in memory, keyed by (model, content hash); 0 disables the cache.',
    }),
  },
  (e) => {
    if (e.EMBEDDER === 'transformers' && !e.EMBED_MODEL_PATH) {
      throw new Error('EMBEDDER=transformers needs EMBED_MODEL_PATH (a local model folder)');
    }
    if (e.EMBEDDER === 'http' && (!e.EMBED_URL || !e.EMBED_MODEL)) {
      throw new Error('EMBEDDER=http needs EMBED_URL and EMBED_MODEL');
    }
    return {
      kind: e.EMBEDDER,
      dimension: e.EMBED_DIM,
      modelPath: e.EMBED_MODEL_PATH,
      url: e.EMBED_URL,
      apiKey: e.EMBED_API_KEY,
      model: e.EMBED_MODEL,
      batchSize: e.EMBED_BATCH_SIZE,
      timeoutMs: e.EMBED_TIMEOUT_MS,
      retryAttempts: e.EMBED_RETRY_ATTEMPTS,
      cacheSize: e.EMBED_CACHE_SIZE,
    };
  },
);
export type EmbedSettings = ReturnType<typeof embedSection.build>;
