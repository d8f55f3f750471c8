import { ChoirError } from '../errors/index.js';

/** 64 KiB: the default largest message content (MAX_CONTENT_BYTES). */
export const DEFAULT_MAX_CONTENT_BYTES = 65_536;

/**
 * Content must be a non-blank string of at most `maxBytes` UTF-8 bytes. Checked before embedding and before
 * storing, so an oversized or empty message fails with one clear error instead of part-way through a batch.
 */
export function assertContent(content: unknown, maxBytes: number, what = 'content'): asserts content is string {
  if (typeof content !== 'string') {
    throw new ChoirError('EMBEDDING_INVALID', `${what}: content must be a string`, { details: { reason: 'type' } });
  }
  if (content.trim().length === 0) {
    throw new ChoirError('EMBEDDING_INVALID', `${what}: content is empty`, { details: { reason: 'empty' } });
  }
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > maxBytes) {
    throw new ChoirError('EMBEDDING_INVALID', `${what}: content is ${bytes} bytes, more than the ${maxBytes} allowed`, {
      details: { reason: 'oversized', bytes, maxBytes },
    });
  }
}
