// Public API of the indexer (issue 7): start it, read its status, and the pieces other parts reuse.
export { type IndexerSettings, indexerSection } from '../src/config/sections/indexer.js';
export {
  DEVNET_GEYSER_URL,
  DEVNET_RPC_URL,
  type RunningIndexer,
  type StartIndexerOptions,
  startIndexer,
} from './indexer.js';
export type { IndexerStatus, Role, StreamState } from './status/status.js';
export { type Cursor, readCursor } from './sync/cursor.js';
export { resetIndexedData } from './sync/reset.js';
export { applyPayloadWork, startVectorPayloadWorker } from './sync/vector-payload.js';
export { VECTOR_PAYLOAD_KIND, type VectorPayloadWork } from './write/apply.js';
