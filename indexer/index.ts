// Public API of the indexer (issue 7): start it, read its status, and the pieces other parts reuse.
export { type IndexerSettings, indexerSection } from '../src/config/sections/indexer.js';
export {
  DEVNET_GEYSER_URL,
  DEVNET_RPC_URL,
  type RunningIndexer,
  type StartIndexerOptions,
  startIndexer,
} from './indexer.js';
export { applyPayloadWork, startVectorPayloadWorker } from './sinks/vector-payload.js';
export type { IndexerStatus, Role, StreamState } from './status/status.js';
export { VECTOR_PAYLOAD_KIND, type VectorPayloadWork } from './write/apply.js';
export { type Cursor, readCursor } from './write/cursor.js';
export { resetIndexedData } from './write/reset.js';
