// Public API of the indexer: start it (on a Yellowstone endpoint or another StreamSource), read its status and
// per-stage timings, and the pieces other parts reuse.
export { type IndexerSettings, indexerSection } from '../src/config/sections/indexer.js';
export {
  DEVNET_GEYSER_URL,
  DEVNET_RPC_URL,
  type RunningIndexer,
  type StartIndexerOptions,
  startIndexer,
} from './indexer.js';
export { applyPayloadWork, startVectorPayloadWorker } from './sinks/vector-payload.js';
export { MemorySource, type MemorySourceOptions } from './source/memory-source.js';
export type { SourceRequest, SourceStream, StreamSource } from './source/stream-source.js';
export { yellowstoneSource } from './source/yellowstone-source.js';
export { STAGES, type Stage } from './status/stage-timings.js';
export { type IndexerStatus, indexerReadiness, type Role, type StreamState } from './status/status.js';
export { VECTOR_PAYLOAD_KIND, type VectorPayloadWork } from './write/apply.js';
export { type Cursor, readCursor } from './write/cursor.js';
export { resetIndexedData } from './write/reset.js';
