/**
 * Opaque Relay cursors. A list's cursor is its keyset position (the ORDER BY columns of the row), base64url of a
 * small JSON array, so the next page is `WHERE (keys) < (cursor)` on an index instead of an OFFSET. Event cursors
 * encode the global sequence ("design: a subscription cursor is an opaque encoding of the global sequence") and are
 * shared by the `events` queries and every subscription's `after`.
 */
import { ChoirError } from '../../../errors/index.js';

export type Keyset = readonly (string | number)[];

export function encodeCursor(kind: string, keys: Keyset): string {
  return Buffer.from(JSON.stringify([kind, ...keys])).toString('base64url');
}

/** The keyset of a cursor of `kind` with `arity` keys; anything else is CURSOR_INVALID (never a silent restart). */
export function decodeCursor(kind: string, cursor: string, arity: number): Keyset {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid(cursor, kind);
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind || parsed.length !== arity + 1) throw invalid(cursor, kind);
  const keys = parsed.slice(1);
  if (!keys.every((k) => typeof k === 'string' || typeof k === 'number')) throw invalid(cursor, kind);
  return keys as Keyset;
}

function invalid(cursor: string, kind: string) {
  return new ChoirError('CURSOR_INVALID', `not a ${kind} cursor: ${JSON.stringify(cursor.slice(0, 80))}`, {
    details: { kind },
  });
}

export const eventCursor = (sequence: bigint | string) => encodeCursor('e', [sequence.toString()]);

/** The sequence an event cursor stands for; null (from the beginning) for a null cursor. */
export function eventSequence(cursor: string | null | undefined): bigint {
  if (cursor === null || cursor === undefined) return 0n;
  const [raw] = decodeCursor('e', cursor, 1);
  if (typeof raw !== 'string' || !/^\d{1,19}$/.test(raw)) throw invalid(cursor, 'e');
  return BigInt(raw);
}
