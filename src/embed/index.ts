export { CachedEmbedder } from './cached-embedder.js';
export { checkEmbeddings, checkTexts } from './checks.js';
export { assertContent, DEFAULT_MAX_CONTENT_BYTES } from './content.js';
export { type CreateEmbedderOptions, createEmbedder } from './create-embedder.js';
export { HashingEmbedder } from './hashing-embedder.js';
export { embeddingsEndpoint, HttpEmbedder, type HttpEmbedderOptions } from './http-embedder.js';
export { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';
export type { Embedder } from './types.js';
