/**
 * Backfill's "+ signatures" half: the program's history over RPC. Signatures are paged newest → oldest (down to the
 * previous cursor, at most `maxSignatures`), their transactions fetched with bounded concurrency (signatures that
 * indexed rows already name are not fetched again) and the successful ones decoded with the program client, in
 * chain order. `backfill-steps.ts` turns them into provenance, steps and Divested updates.
 */
import type pg from 'pg';
import { decodeInstruction } from '../../programs/choir/client/index.js';
import type { Logger } from '../../src/observability/logger.js';
import type { DecodedInstruction, SkipReason } from '../decode/types.js';
import {
  getSignaturesForAddress,
  getTransaction,
  type RpcTransaction,
  type SignatureInfo,
  type SignaturePage,
  type TransactionEncoding,
} from '../source/rpc.js';

/** Where backfill reads the program's history from (RPC; tests substitute their own). */
export interface BackfillHistory {
  /** A page of the program's signatures, newest first, older than `before`. */
  signatures(before: string | null, limit: number): Promise<SignaturePage>;
  /** A transaction; null: unknown to the node; a string: it did not decode (why). */
  transaction(signature: string): Promise<RpcTransaction | string | null>;
}

export function rpcHistory(url: string, programId: string, encoding: TransactionEncoding = 'base64'): BackfillHistory {
  return {
    signatures: (before, limit) => getSignaturesForAddress(url, programId, { before, limit }),
    transaction: (signature) => getTransaction(url, signature, encoding),
  };
}

export type BackfillSkip = (reason: SkipReason, detail: string) => void;

/** A decoded transaction of the program's history, in chain order (`seq`). */
export interface HistoryTx {
  readonly seq: number;
  readonly signature: string;
  readonly slot: bigint;
  /** Position of each account key (the order the transaction's account writes stream in). */
  readonly keys: Map<string, number>;
  readonly instructions: DecodedInstruction[];
  readonly balanceDeltas: Map<string, bigint>;
}

/** Lists the program's signatures newest → oldest: above `bound`, at or below `slot`, at most `max`. */
export async function listSignatures(
  history: BackfillHistory,
  o: { slot: bigint; bound: bigint | null; max: number; log: Logger | undefined; every: number },
  skip: BackfillSkip,
) {
  const out: SignatureInfo[] = [];
  let listed = 0;
  let malformed = 0;
  let before: string | null = null;
  let nextLog = o.every;
  while (listed < o.max) {
    const limit = Math.min(1000, o.max - listed);
    const page = await history.signatures(before, limit);
    for (const m of page.malformed) {
      malformed++;
      skip('update_malformed', `backfill: ${m}`);
    }
    let done = page.received < limit || page.last === null;
    for (const s of page.signatures) {
      if (s.slot > o.slot) continue; // after the snapshot: the stream brings it
      if (o.bound !== null && s.slot <= o.bound) {
        done = true;
        break;
      }
      listed++;
      if (!s.failed) out.push(s);
      if (listed >= o.max) {
        done = true;
        break;
      }
    }
    if (listed >= nextLog) {
      o.log?.info({ listed }, 'backfill: listing signatures');
      nextLog = listed + o.every;
    }
    if (done) break;
    before = page.last;
  }
  return { signatures: out, listed, malformed };
}

/** Of these signatures, those some indexed row already names (no need to fetch them again). */
export async function indexedSignatures(client: pg.ClientBase, signatures: readonly SignatureInfo[]) {
  const found = new Set<string>();
  for (let i = 0; i < signatures.length; i += 1000) {
    const part = signatures.slice(i, i + 1000);
    const sigs = part.map((s) => s.signature);
    const slots = [...new Set(part.map((s) => s.slot.toString()))];
    const { rows } = await client.query<{ s: string }>(
      `SELECT tx_signature AS s FROM messages WHERE slot = ANY ($2::int8[]) AND tx_signature = ANY ($1::text[])
       UNION SELECT tx_signature FROM votes WHERE slot = ANY ($2::int8[]) AND tx_signature = ANY ($1::text[])
       UNION SELECT tx_signature FROM threads WHERE tx_signature = ANY ($1::text[])`,
      [sigs, slots],
    );
    for (const r of rows) found.add(r.s);
  }
  return found;
}

/** Fetches and decodes transactions with bounded concurrency; keeps successful ones with a Choir instruction. */
export async function fetchHistory(
  history: BackfillHistory,
  signatures: readonly SignatureInfo[],
  programId: string,
  o: { concurrency: number; log: Logger | undefined; every: number },
  skip: BackfillSkip,
) {
  // Chain order: oldest slot first; within a slot the listing is newest first.
  const order = new Map<string, number>();
  signatures.forEach((s, i) => {
    order.set(s.signature, signatures.length - i);
  });
  const txs: HistoryTx[] = [];
  let malformed = 0;
  let fetched = 0;
  let next = 0;
  const worker = async () => {
    while (next < signatures.length) {
      const info = signatures[next++] as SignatureInfo;
      const raw = await history.transaction(info.signature);
      fetched++;
      if (fetched % o.every === 0) o.log?.info({ fetched, of: signatures.length }, 'backfill: fetching transactions');
      if (raw === null) continue; // gone from the node's history
      if (typeof raw === 'string') {
        malformed++;
        skip('update_malformed', `backfill: transaction ${info.signature}: ${raw}`);
        continue;
      }
      if (raw.slot !== info.slot) {
        malformed++;
        skip(
          'update_malformed',
          `backfill: transaction ${info.signature} is at slot ${raw.slot}, listed at ${info.slot}`,
        );
        continue;
      }
      if (raw.failed) continue;
      const instructions: DecodedInstruction[] = [];
      raw.instructions.forEach((ix, index) => {
        if (raw.accountKeys[ix.programIdIndex] !== programId) return;
        const decoded = decodeInstruction(
          ix.data,
          ix.accounts.map((a) => raw.accountKeys[a] ?? ''),
        );
        if (decoded.ok) instructions.push({ index, instruction: decoded.value });
        else skip('instruction_unknown', `backfill: ${info.signature} #${index}: ${decoded.error.message}`);
      });
      if (instructions.length === 0) continue;
      const balanceDeltas = new Map<string, bigint>();
      raw.accountKeys.forEach((key, i) => {
        const pre = raw.preBalances[i];
        const post = raw.postBalances[i];
        if (pre !== undefined && post !== undefined) balanceDeltas.set(key, post - pre);
      });
      txs.push({
        seq: order.get(info.signature) ?? 0,
        signature: info.signature,
        slot: raw.slot,
        keys: new Map(raw.accountKeys.map((k, i) => [k, i])),
        instructions,
        balanceDeltas,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  txs.sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : a.seq - b.seq));
  return { txs, fetched, malformed };
}
