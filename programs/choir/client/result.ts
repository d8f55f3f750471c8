// Decoders return results instead of throwing: an indexer feeding them arbitrary bytes never sees an exception.
import { ProgramClientError, type ProgramClientErrorCode } from './client-error.js';

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: ProgramClientError };

export const ok = <T>(value: T): DecodeResult<T> => ({ ok: true, value });

export function fail<T>(
  code: ProgramClientErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): DecodeResult<T> {
  return { ok: false, error: new ProgramClientError(code, message, { details }) };
}
