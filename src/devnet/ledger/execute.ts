import bs58 from 'bs58';
import { FailedTransactionMetadata, type LiteSVM, type TransactionMetadata } from 'litesvm';
import { readAccountRaw, sendRaw } from './svm-raw.js';
import { type TransactionErrorJson, transactionErrorJson } from './tx-error.js';
import type { AccountState, InnerInstructionRecord, TransactionRecord } from './types.js';
import type { DecodedTransaction } from './wire.js';

export const LAMPORTS_PER_SIGNATURE = 5_000n;

const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
const DEFAULT_UNITS_PER_INSTRUCTION = 200_000n;
const MAX_UNITS = 1_400_000n;

/** Base fee per signature plus the prioritization fee of ComputeBudget's unit price × unit limit. */
export function transactionFee(tx: DecodedTransaction): bigint {
  let price = 0n;
  let limit: bigint | null = null;
  let others = 0n;
  for (const ix of tx.instructions) {
    if (tx.accountKeys[ix.programIdIndex] !== COMPUTE_BUDGET_PROGRAM) {
      others++;
      continue;
    }
    const view = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
    if (ix.data[0] === 2 && ix.data.length >= 5) limit = BigInt(view.getUint32(1, true));
    if (ix.data[0] === 3 && ix.data.length >= 9) price = view.getBigUint64(1, true);
  }
  const units =
    limit ?? (others * DEFAULT_UNITS_PER_INSTRUCTION < MAX_UNITS ? others * DEFAULT_UNITS_PER_INSTRUCTION : MAX_UNITS);
  const priority = (price * units + 999_999n) / 1_000_000n;
  return LAMPORTS_PER_SIGNATURE * BigInt(tx.signatures.length) + priority;
}

export interface AccountWrite {
  readonly pubkey: string;
  readonly before: AccountState | null;
  readonly after: AccountState | null;
}

export type Execution =
  | { readonly landed: true; readonly record: TransactionRecord; readonly writes: AccountWrite[] }
  /** Rejected before execution (bad signature, unknown fee payer, …): nothing was charged or written. */
  | { readonly landed: false; readonly err: TransactionErrorJson; readonly logs: string[] };

export interface ExecutionContext {
  readonly slot: number;
  readonly index: number;
  readonly blockTime: number;
}

function innerInstructions(meta: TransactionMetadata): TransactionRecord['innerInstructions'] {
  const out: TransactionRecord['innerInstructions'] = [];
  meta.innerInstructions().forEach((list, index) => {
    if (list.length === 0) return;
    const instructions: InnerInstructionRecord[] = list.map((inner) => {
      const ix = inner.instruction();
      return {
        programIdIndex: ix.programIdIndex(),
        accounts: Array.from(ix.accounts()),
        data: ix.data(),
        stackHeight: inner.stackHeight(),
      };
    });
    out.push({ index, instructions });
  });
  return out;
}

function returnData(meta: TransactionMetadata): TransactionRecord['returnData'] {
  const rd = meta.returnData();
  const data = rd.data();
  if (data.length === 0) return null;
  return { programId: bs58.encode(rd.programId()), data };
}

/**
 * Runs one transaction in LiteSVM and reports what a validator would: fee, balances, logs and the accounts it
 * wrote. LiteSVM reports none of the account effects, so they are read before and after.
 */
export function executeTransaction(svm: LiteSVM, tx: DecodedTransaction, ctx: ExecutionContext): Execution {
  const before = tx.accountKeyBytes.map((key) => readAccountRaw(svm, key));
  const result = sendRaw(svm, tx);
  const failed = result instanceof FailedTransactionMetadata;
  const meta = failed ? result.meta() : result;
  const payer = tx.accountKeys[0]!;
  const payerAfter = readAccountRaw(svm, tx.accountKeyBytes[0]!);
  if (failed && (payerAfter?.lamports ?? 0n) === (before[0]?.lamports ?? 0n)) {
    // Nothing was charged: the runtime rejected the transaction before it could land in a block.
    return { landed: false, err: transactionErrorJson(result), logs: meta.logs() };
  }
  const after = tx.accountKeys.map((key, i) =>
    key === payer ? payerAfter : tx.writable[i] ? readAccountRaw(svm, tx.accountKeyBytes[i]!) : before[i]!,
  );
  // A failed transaction only charges its fee payer; a successful one stores every writable account.
  const writes: AccountWrite[] = [];
  tx.accountKeys.forEach((pubkey, i) => {
    if (!tx.writable[i] || (failed && i !== 0)) return;
    if (writes.some((w) => w.pubkey === pubkey)) return;
    writes.push({ pubkey, before: before[i]!, after: after[i]! });
  });
  const record: TransactionRecord = {
    signature: tx.signature,
    slot: ctx.slot,
    index: ctx.index,
    wire: tx.wire,
    version: tx.version,
    accountKeys: tx.accountKeys,
    writable: tx.writable,
    err: failed ? transactionErrorJson(result) : null,
    // A failed transaction changes nothing but its fee payer, so the payer's loss is the exact fee.
    fee: failed ? (before[0]?.lamports ?? 0n) - (payerAfter?.lamports ?? 0n) : transactionFee(tx),
    preBalances: before.map((a) => a?.lamports ?? 0n),
    postBalances: after.map((a) => a?.lamports ?? 0n),
    logs: meta.logs(),
    computeUnitsConsumed: meta.computeUnitsConsumed(),
    innerInstructions: innerInstructions(meta),
    returnData: returnData(meta),
    blockTime: ctx.blockTime,
  };
  return { landed: true, record, writes };
}
