/**
 * The few JSON-RPC calls the indexer needs: the chain's identity, and for backfill the program's accounts, its
 * signatures and their transactions. Transport and RPC errors throw SOLANA_RPC_UNAVAILABLE; malformed data in an
 * answer is reported (skipped and counted by the caller), never a crash.
 */
import { VersionedTransaction } from '@solana/web3.js';
import bs58 from 'bs58';
import { ChoirError } from '../../src/errors/index.js';

async function call<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `${method} at ${url} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const body = (await response.json().catch(() => null)) as { result?: T; error?: { message: string } } | null;
  if (!response.ok || !body || body.error || body.result === undefined) {
    throw new ChoirError(
      'SOLANA_RPC_UNAVAILABLE',
      `${method} at ${url} failed: ${body?.error?.message ?? `HTTP ${response.status}`}`,
    );
  }
  return body.result;
}

export const getGenesisHash = (url: string) => call<string>(url, 'getGenesisHash');

export interface ProgramAccount {
  readonly pubkey: string;
  readonly lamports: bigint;
  readonly data: Uint8Array;
}

/** Every account the program owns at `confirmed`, with the slot the snapshot was taken at. */
export async function getProgramAccounts(url: string, programId: string) {
  const result = await call<{
    context: { slot: number };
    value: { pubkey: string; account: { lamports: number; data: [string, string] } }[];
  }>(url, 'getProgramAccounts', [programId, { encoding: 'base64', commitment: 'confirmed', withContext: true }]);
  return {
    slot: BigInt(result.context.slot),
    accounts: result.value.map(
      (v): ProgramAccount => ({
        pubkey: v.pubkey,
        lamports: BigInt(v.account.lamports),
        data: new Uint8Array(Buffer.from(v.account.data[0], 'base64')),
      }),
    ),
  };
}

/** One entry of `getSignaturesForAddress` (newest first). */
export interface SignatureInfo {
  readonly signature: string;
  readonly slot: bigint;
  /** The transaction failed (it changed nothing but its fee payer). */
  readonly failed: boolean;
}

export interface SignaturePage {
  readonly signatures: SignatureInfo[];
  /** Entries in the page, well-formed or not (fewer than the limit: the history ends here). */
  readonly received: number;
  /** The oldest well-formed signature of the page: `before` of the next page (null: none). */
  readonly last: string | null;
  /** Entries that did not decode (logged and counted by the caller). */
  readonly malformed: string[];
}

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,88}$/;
const isSlot = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** One page of the address's signatures at `confirmed`, newest first, older than `before` (limit 1..1000). */
export async function getSignaturesForAddress(
  url: string,
  address: string,
  options: { before?: string | null; limit?: number } = {},
): Promise<SignaturePage> {
  const limit = Math.min(1000, Math.max(1, options.limit ?? 1000));
  const result = await call<unknown>(url, 'getSignaturesForAddress', [
    address,
    { commitment: 'confirmed', limit, ...(options.before ? { before: options.before } : {}) },
  ]);
  if (!Array.isArray(result)) {
    throw new ChoirError('SOLANA_RPC_UNAVAILABLE', `getSignaturesForAddress at ${url} returned no list`);
  }
  const signatures: SignatureInfo[] = [];
  const malformed: string[] = [];
  let last: string | null = null;
  for (const entry of result as unknown[]) {
    const e = entry as { signature?: unknown; slot?: unknown; err?: unknown } | null;
    if (!e || typeof e.signature !== 'string' || !BASE58.test(e.signature) || !isSlot(e.slot)) {
      malformed.push(`signature entry ${JSON.stringify(entry)?.slice(0, 200)}`);
      continue;
    }
    last = e.signature;
    signatures.push({ signature: e.signature, slot: BigInt(e.slot), failed: e.err != null });
  }
  return { signatures, received: result.length, last, malformed };
}

/** A landed transaction as `getTransaction` describes it, reduced to what the indexer reads. */
export interface RpcTransaction {
  readonly signature: string;
  readonly slot: bigint;
  readonly failed: boolean;
  /** Static keys, then the addresses loaded from lookup tables (writable, then read-only), base58. */
  readonly accountKeys: string[];
  /** Top-level instructions. */
  readonly instructions: { programIdIndex: number; accounts: number[]; data: Uint8Array }[];
  readonly preBalances: bigint[];
  readonly postBalances: bigint[];
}

export type TransactionEncoding = 'json' | 'base64';

// JSON numbers: balances above 2^53 lamports (9 million SOL) arrive rounded; kept (only the thread's change is read).
const lamports = (v: unknown, what: string): bigint => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${what} is not a balance`);
  return BigInt(v);
};

const keyList = (v: unknown, what: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((k) => typeof k !== 'string' || !BASE58.test(k))) {
    throw new Error(`${what} is not a list of base58 keys`);
  }
  return v as string[];
};

function wireMessage(tx: unknown): { keys: string[]; instructions: RpcTransaction['instructions'] } {
  const [data, encoding] = Array.isArray(tx) ? tx : [];
  if (typeof data !== 'string' || encoding !== 'base64') throw new Error('transaction is not [base64, "base64"]');
  const message = VersionedTransaction.deserialize(Buffer.from(data, 'base64')).message;
  return {
    keys: message.staticAccountKeys.map((k) => k.toBase58()),
    instructions: message.compiledInstructions.map((ix) => ({
      programIdIndex: ix.programIdIndex,
      accounts: [...ix.accountKeyIndexes],
      data: Uint8Array.from(ix.data),
    })),
  };
}

function jsonMessage(tx: unknown): { keys: string[]; instructions: RpcTransaction['instructions'] } {
  const message = (tx as { message?: { accountKeys?: unknown; instructions?: unknown } } | null)?.message;
  if (!message || !Array.isArray(message.instructions)) throw new Error('transaction has no message');
  const keys = keyList(message.accountKeys, 'accountKeys');
  const instructions = (message.instructions as unknown[]).map((raw, i) => {
    const ix = raw as { programIdIndex?: unknown; accounts?: unknown; data?: unknown } | null;
    if (
      !ix ||
      !Number.isInteger(ix.programIdIndex) ||
      !Array.isArray(ix.accounts) ||
      ix.accounts.some((a) => !Number.isInteger(a) || a < 0) ||
      typeof ix.data !== 'string'
    ) {
      throw new Error(`instruction ${i} is malformed`);
    }
    return {
      programIdIndex: ix.programIdIndex as number,
      accounts: ix.accounts as number[],
      data: bs58.decode(ix.data),
    };
  });
  return { keys, instructions };
}

/**
 * Decodes a `getTransaction` result (json or base64 encoding). Never throws: bad data gives the reason as a
 * string, for the caller to log and count.
 */
export function decodeRpcTransaction(signature: string, raw: unknown): RpcTransaction | string {
  try {
    const r = raw as { slot?: unknown; transaction?: unknown; meta?: Record<string, unknown> | null } | null;
    if (!r || typeof r !== 'object') return 'not an object';
    if (!isSlot(r.slot)) return 'slot is missing';
    if (!r.meta || typeof r.meta !== 'object') return 'meta is missing';
    const { keys, instructions } = Array.isArray(r.transaction)
      ? wireMessage(r.transaction)
      : jsonMessage(r.transaction);
    const loaded = r.meta.loadedAddresses as { writable?: unknown; readonly?: unknown } | undefined;
    const accountKeys = [
      ...keys,
      ...keyList(loaded?.writable, 'loadedAddresses.writable'),
      ...keyList(loaded?.readonly, 'loadedAddresses.readonly'),
    ];
    for (const ix of instructions) {
      if (ix.programIdIndex >= accountKeys.length || ix.accounts.some((a) => a >= accountKeys.length)) {
        return 'an instruction names an account index out of range';
      }
    }
    const pre = r.meta.preBalances;
    const post = r.meta.postBalances;
    if (!Array.isArray(pre) || !Array.isArray(post)) return 'balances are missing';
    return {
      signature,
      slot: BigInt(r.slot),
      failed: r.meta.err != null,
      accountKeys,
      instructions,
      preBalances: pre.map((v, i) => lamports(v, `preBalances[${i}]`)),
      postBalances: post.map((v, i) => lamports(v, `postBalances[${i}]`)),
    };
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * One transaction at `confirmed` (versions up to 0). Null: the node does not have it (any more); a string: the
 * result did not decode (the reason). Transport and RPC errors throw SOLANA_RPC_UNAVAILABLE.
 */
export async function getTransaction(
  url: string,
  signature: string,
  encoding: TransactionEncoding = 'base64',
): Promise<RpcTransaction | string | null> {
  const result = await call<unknown>(url, 'getTransaction', [
    signature,
    { encoding, commitment: 'confirmed', maxSupportedTransactionVersion: 0 },
  ]);
  return result === null ? null : decodeRpcTransaction(signature, result);
}
