import bs58 from 'bs58';
import { decodeBase64Strict } from '../../base64.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { AccountState } from '../../ledger/types.js';
import { accountEncoding, dataSliceOf, uiAccount } from '../encoding.js';
import { invalidParams } from '../errors.js';
import { commitmentOf, config, context, minContextSlot, pubkey } from '../params.js';
import type { RpcMethods } from './types.js';

const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_FILTERS = 4;
const MAX_MEMCMP_BYTES = 128;

export type AccountFilter = (account: AccountState) => boolean;

/** `dataSize` and `memcmp` filters of getProgramAccounts, validated like Agave does. */
export function parseFilters(raw: unknown): AccountFilter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParams('Invalid params: filters must be an array');
  if (raw.length > MAX_FILTERS) throw invalidParams(`Too many filters provided; max ${MAX_FILTERS}`);
  return raw.map((filter: unknown): AccountFilter => {
    const f = filter as { dataSize?: unknown; memcmp?: { offset?: unknown; bytes?: unknown; encoding?: unknown } };
    if (f && typeof f === 'object' && 'dataSize' in f) {
      const size = f.dataSize;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
        throw invalidParams('Invalid params: dataSize must be a non-negative integer');
      }
      return (a) => a.data.length === size;
    }
    if (f && typeof f === 'object' && f.memcmp && typeof f.memcmp === 'object') {
      const { offset, bytes, encoding } = f.memcmp;
      if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
        throw invalidParams('Invalid params: memcmp offset must be a non-negative integer');
      }
      if (typeof bytes !== 'string') throw invalidParams('Invalid params: memcmp bytes must be a string');
      let wanted: Uint8Array | null;
      try {
        if (encoding === 'base64') wanted = decodeBase64Strict(bytes);
        else if (encoding === undefined || encoding === 'base58') wanted = bs58.decode(bytes);
        else wanted = null;
      } catch {
        wanted = null;
      }
      if (wanted === null) throw invalidParams('Invalid param: invalid memcmp bytes or encoding');
      if (wanted.length > MAX_MEMCMP_BYTES) throw invalidParams('Invalid param: memcmp data too large');
      return (a) => {
        if (offset + wanted.length > a.data.length) return false;
        for (let i = 0; i < wanted.length; i++) if (a.data[offset + i] !== wanted[i]) return false;
        return true;
      };
    }
    throw invalidParams('Invalid params: unknown filter; expected dataSize or memcmp');
  });
}

/**
 * What every account read takes from its config: the commitment, the encoding and data slice of the answer, and the
 * slot that commitment stands at, which must have reached `minContextSlot`. One function, so the account methods
 * check their configs the same way and in the same order.
 */
function accountRead(cfg: Record<string, unknown>, ledger: Ledger) {
  const commitment = commitmentOf(cfg);
  const encoding = accountEncoding(cfg);
  const slice = dataSliceOf(cfg);
  const slot = ledger.chain.slotFor(commitment);
  minContextSlot(cfg, slot);
  return { commitment, encoding, slice, slot };
}

/** Account reads at a commitment level. */
export const accountMethods: RpcMethods = {
  getBalance: ([key, cfgRaw], { ledger }) => {
    const address = pubkey(key);
    const cfg = config(cfgRaw);
    const commitment = commitmentOf(cfg);
    const slot = ledger.chain.slotFor(commitment);
    minContextSlot(cfg, slot);
    return { context: context(slot), value: ledger.getAccount(address, commitment)?.lamports ?? 0n };
  },

  getAccountInfo: ([key, cfgRaw], { ledger }) => {
    const address = pubkey(key);
    const { commitment, encoding, slice, slot } = accountRead(config(cfgRaw), ledger);
    const account = ledger.getAccount(address, commitment);
    return { context: context(slot), value: account ? uiAccount(account, encoding, slice) : null };
  },

  getMultipleAccounts: ([keys, cfgRaw], { ledger }) => {
    if (!Array.isArray(keys)) throw invalidParams('Invalid params: expected an array of pubkeys');
    if (keys.length > MAX_MULTIPLE_ACCOUNTS) {
      throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
    }
    const addresses = keys.map((k) => pubkey(k));
    const { commitment, encoding, slice, slot } = accountRead(config(cfgRaw), ledger);
    return {
      context: context(slot),
      value: addresses.map((a) => {
        const account = ledger.getAccount(a, commitment);
        return account ? uiAccount(account, encoding, slice) : null;
      }),
    };
  },

  getProgramAccounts: ([key, cfgRaw], { ledger }) => {
    const owner = pubkey(key, 'program id');
    const cfg = config(cfgRaw);
    // Filters are checked first: a bad filter is reported even while minContextSlot is not reached yet.
    const filters = parseFilters(cfg['filters']);
    const { commitment, encoding, slice, slot } = accountRead(cfg, ledger);
    const value: { pubkey: string; account: ReturnType<typeof uiAccount> }[] = [];
    for (const [address, account] of ledger.getProgramAccounts(owner, commitment)) {
      if (filters.every((f) => f(account)))
        value.push({ pubkey: address, account: uiAccount(account, encoding, slice) });
    }
    return cfg['withContext'] === true ? { context: context(slot), value } : value;
  },
};
