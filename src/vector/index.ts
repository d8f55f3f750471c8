export { assertCollectionName, physicalNameFor } from './collection-names.js';
export { createVectorStore, type EmbedderIdentity } from './create-vector-store.js';
export { type EmbeddedDatabase, IN_MEMORY, openEmbeddedDatabase } from './embedded/database.js';
export { type EmbeddedStoreOptions, EmbeddedVectorStore } from './embedded/embedded-store.js';
export { normaliseFilter } from './filter.js';
export { PAYLOAD_INDEXES } from './payload-indexes.js';
export {
  isContentHash,
  isRecordAddress,
  legacyMessagePointId,
  messagePointId,
  sha256Hex,
  threadPointId,
  uuidFromHash,
} from './point-id.js';
export { LEGACY_POINTS_WARNING } from './qdrant/legacy-points.js';
export { isTransientQdrantError } from './qdrant/qdrant-errors.js';
export { type QdrantStoreOptions, QdrantVectorStore } from './qdrant/qdrant-store.js';
export { registerThread, type ThreadRegistration } from './register-thread.js';
export * from './types.js';
