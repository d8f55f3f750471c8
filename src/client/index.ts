/**
 * `choir/client`: the client SDK for browsers and Node. Nothing reachable from here imports a node:* module (a unit
 * test bundles it for the browser and checks); Node-only helpers are in `choir/client/node` (./node.ts).
 */

export { ChoirError, isChoirError, Recovery } from '../errors/index.js';
export { ChoirClient, type ChoirClientOptions, type CreateThreadParams } from './choir-client.js';
export { createChoirClient } from './client.js';
export {
  type FrontendCategory,
  fromGraphqlErrors,
  frontendCategory,
  frontendRecovery,
  type GraphqlErrorShape,
  networkError,
  staleStateError,
  toClientError,
  uiError,
} from './errors.js';
export * from './generated/graphql.js';
export { createHttpTransport, type HttpTransport } from './http.js';
export {
  type KeyValueStorage,
  memorySessionStorage,
  type SessionStorage,
  Sessions,
  type StoredSession,
  webSessionStorage,
} from './session.js';
export { encodeSignature, generateKeypairSigner, keypairSigner, type Signer } from './signer.js';
export type { EventStreamHandlers, ThreadSnapshot, ThreadSource } from './store/source.js';
export { ThreadStore, type ThreadStoreOptions } from './store/thread-store.js';
export type { MessageEntry, ServerMessage, StorePhase, ThreadEvent, ThreadHeader, ThreadView } from './store/types.js';
export { type ConnectionState, createWsTransport, type WsTransport } from './ws.js';
