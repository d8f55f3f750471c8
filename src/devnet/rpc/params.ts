import bs58 from 'bs58';
import { decodeBase64Strict } from '../base64.js';
import type { Commitment } from '../ledger/types.js';
import { invalidParams, RpcCodes, RpcError } from './errors.js';

const LEGACY_COMMITMENT: Record<string, Commitment> = {
  processed: 'processed',
  confirmed: 'confirmed',
  finalized: 'finalized',
  recent: 'processed',
  single: 'confirmed',
  singleGossip: 'confirmed',
  max: 'finalized',
  root: 'finalized',
};

/** The positional params of a request; JSON-RPC also allows omitting them. */
export function positional(params: unknown): unknown[] {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) throw invalidParams('Invalid params: expected an array of positional parameters');
  return params;
}

export function config(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidParams('Invalid params: expected a config object');
  return value as Record<string, unknown>;
}

/** Validators default to `finalized` when a request names no commitment. */
export function commitmentOf(cfg: Record<string, unknown>, fallback: Commitment = 'finalized'): Commitment {
  const raw = cfg['commitment'];
  if (raw === undefined || raw === null) return fallback;
  const commitment = typeof raw === 'string' ? LEGACY_COMMITMENT[raw] : undefined;
  if (!commitment) throw invalidParams(`Invalid params: unknown commitment ${JSON.stringify(raw)}`);
  return commitment;
}

/** Methods that only serve rooted or voted data reject `processed`, as Agave does. */
export function confirmedAtLeast(commitment: Commitment): Commitment {
  if (commitment === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
  return commitment;
}

export function minContextSlot(cfg: Record<string, unknown>, contextSlot: number): void {
  const min = cfg['minContextSlot'];
  if (min === undefined || min === null) return;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 0)
    throw invalidParams('Invalid params: minContextSlot');
  if (contextSlot < min) {
    throw new RpcError(RpcCodes.MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', {
      contextSlot,
    });
  }
}

/** A base58 string that decodes to exactly `length` bytes, with Agave's messages for each way it can be wrong. */
function base58Of(value: unknown, what: string, length: number): string {
  if (typeof value !== 'string') throw invalidParams(`Invalid params: ${what} must be a base58 string`);
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(value);
  } catch {
    throw invalidParams(`Invalid param: Invalid ${what}`);
  }
  if (bytes.length !== length) throw invalidParams(`Invalid param: WrongSize ${what}`);
  return value;
}

export function pubkey(value: unknown, what = 'pubkey'): string {
  return base58Of(value, what, 32);
}

export function signature(value: unknown): string {
  return base58Of(value, 'signature', 64);
}

export function u64(value: unknown, what: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n) return value;
  throw invalidParams(`Invalid params: ${what} must be a non-negative integer`);
}

export function bytesParam(value: unknown, encoding: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') throw invalidParams(`Invalid params: ${what} must be a string`);
  const enc = encoding ?? 'base58';
  try {
    if (enc === 'base64') {
      const bytes = decodeBase64Strict(value);
      if (bytes === null) throw new Error('bad base64');
      return bytes;
    }
    if (enc === 'base58') return bs58.decode(value);
  } catch {
    throw invalidParams(`Invalid params: ${what} is not valid ${String(enc)}`);
  }
  throw invalidParams(`Invalid params: unsupported encoding ${JSON.stringify(enc)}`);
}

export function context(slot: number): { slot: number; apiVersion: string } {
  return { slot, apiVersion: '2.3.0' };
}
