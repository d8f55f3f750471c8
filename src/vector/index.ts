export { createVectorStore, type EmbedderIdentity } from './create-vector-store.js';
export { IN_MEMORY } from './embedded/database.js';
export { EmbeddedVectorStore } from './embedded/embedded-store.js';
export { PAYLOAD_INDEXES } from './payload-indexes.js';
export { isContentHash, messagePointId, sha256Hex, threadPointId, uuidFromHash } from './point-id.js';
export { QdrantVectorStore } from './qdrant/qdrant-store.js';
export { registerThread, type ThreadRegistration } from './register-thread.js';
export * from './types.js';
