import { ChoirError } from '../../errors/index.js';

/**
 * Runs one store operation and turns whatever PGlite throws into the ChoirError a caller of any vector store gets
 * (the same codes as the Qdrant store's), so callers never see a backend's own errors. Shared by collections.ts and
 * points.ts: every operation of the store goes through it.
 */
export async function runOperation<T>(operation: string, kind: 'read' | 'write', fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChoirError) throw err;
    const code = kind === 'write' ? 'QDRANT_STORAGE_REJECTED' : 'QDRANT_QUERY_FAILED';
    throw new ChoirError(code, `embedded vector store: ${operation} failed: ${(err as Error).message}`, {
      details: { operation },
      cause: err,
    });
  }
}
