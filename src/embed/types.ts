/** Turns texts into fixed-length vectors. Implementations: hashing (default), transformers, http. */
export interface Embedder {
  readonly kind: 'hashing' | 'transformers' | 'http';
  /**
   * Names the model and everything that changes its vectors (for hashing: algorithm version and dimension). The
   * vector store records it with the collection; a different id at start means the index must be rebuilt.
   */
  readonly modelId: string;
  readonly dimension: number;
  /**
   * One vector per text, in order, L2-normalised. Every text is checked first (non-empty, at most the configured
   * bytes): a bad one fails the whole call with `EMBEDDING_INVALID` before any work is done.
   */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}
