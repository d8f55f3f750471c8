import { ChoirError } from '../errors/index.js';
import type { CollectionInfo } from './types.js';

/** Collection names both backends accept (the embedded store turns them into table names). */
export const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,47}$/;

export function assertCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new ChoirError(
      'CONFIG_INVALID',
      `collection name "${name}" must be 1-48 lowercase letters, digits or _ and start with a letter`,
      { details: { name } },
    );
  }
}

/** The physical collection behind the app's alias: `messages` → `messages_1`, and `messages_2`… after rebuilds. */
export function physicalNameFor(alias: string, generation: number): string {
  return `${alias}_${generation}`;
}

/**
 * Vectors from another model or of another size cannot be compared with the embedder's: searching them would
 * return nonsense, so the store refuses to start and says how to fix it.
 */
export function indexMismatch(info: CollectionInfo, dimension: number, model: string): ChoirError {
  const stored = `${info.dimension}-dimension vectors${info.model ? ` from model "${info.model}"` : ''}`;
  return new ChoirError(
    'QDRANT_INDEX_MISMATCH',
    `collection "${info.name}" (${info.physicalName}) holds ${stored}, but the embedder "${model}" produces ` +
      `${dimension}-dimension vectors: run \`choir rebuild-index\` to re-embed the messages into a new collection`,
    { details: { collection: info.physicalName, stored: info.dimension, storedModel: info.model, dimension, model } },
  );
}
