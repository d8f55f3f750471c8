// Decoders return results instead of throwing: an indexer feeding them arbitrary bytes never sees an exception.
import { ChoirError, type ErrorCode } from '../../../src/errors/index.js';

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: ChoirError };

export const ok = <T>(value: T): DecodeResult<T> => ({ ok: true, value });

export function fail<T>(code: ErrorCode, message: string, details: Record<string, unknown> = {}): DecodeResult<T> {
  return { ok: false, error: new ChoirError(code, message, { details }) };
}
