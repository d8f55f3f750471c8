import { getTransactionDecoder } from '@solana/kit';
import bs58 from 'bs58';
import { FailedTransactionMetadata, type LiteSVM } from 'litesvm';
import { accountStateOf } from './accounts.js';
import { type TransactionErrorJson, transactionErrorJson } from './tx-error.js';
import type { AccountState } from './types.js';
import type { DecodedTransaction } from './wire.js';

export interface Simulation {
  readonly err: TransactionErrorJson | null;
  readonly logs: string[];
  readonly unitsConsumed: bigint;
  readonly returnData: { programId: string; data: Uint8Array } | null;
  /** Writable accounts after execution (success only). */
  readonly postAccounts: Map<string, AccountState>;
}

const kitDecoder = getTransactionDecoder();

/** Runs a transaction without committing anything (RPC simulation and send preflight). */
export function simulateTransaction(svm: LiteSVM, tx: DecodedTransaction, sigVerify: boolean): Simulation {
  // LiteSVM's signature check is a global switch: lift it for this call only when the caller asked.
  if (!sigVerify) svm.withSigverify(false);
  try {
    const result = svm.simulateTransaction(kitDecoder.decode(tx.wire));
    if (result instanceof FailedTransactionMetadata) {
      const meta = result.meta();
      return {
        err: transactionErrorJson(result),
        logs: meta.logs(),
        unitsConsumed: meta.computeUnitsConsumed(),
        returnData: null,
        postAccounts: new Map(),
      };
    }
    const meta = result.meta();
    const rd = meta.returnData();
    const postAccounts = new Map<string, AccountState>();
    for (const a of result.postAccounts()) postAccounts.set(a.address, accountStateOf(a));
    return {
      err: null,
      logs: meta.logs(),
      unitsConsumed: meta.computeUnitsConsumed(),
      returnData: rd.data().length > 0 ? { programId: bs58.encode(rd.programId()), data: rd.data() } : null,
      postAccounts,
    };
  } finally {
    if (!sigVerify) svm.withSigverify(true);
  }
}
