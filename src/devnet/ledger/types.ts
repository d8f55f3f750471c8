import type { TransactionErrorJson } from './tx-error.js';

export type Commitment = 'processed' | 'confirmed' | 'finalized';
export type SlotStatus = 'processed' | 'confirmed' | 'finalized' | 'dead';

/** An account as the ledger reports it; `null` where an account does not exist (or was closed). */
export interface AccountState {
  readonly lamports: bigint;
  readonly owner: string;
  readonly executable: boolean;
  readonly rentEpoch: bigint;
  readonly data: Uint8Array;
}

export interface TransactionRecord {
  readonly signature: string;
  readonly slot: number;
  /** Position of the transaction in its slot. */
  readonly index: number;
  readonly wire: Uint8Array;
  readonly version: 'legacy' | 0;
  readonly accountKeys: string[];
  readonly writable: boolean[];
  readonly err: TransactionErrorJson | null;
  readonly fee: bigint;
  readonly preBalances: bigint[];
  readonly postBalances: bigint[];
  readonly logs: string[];
  readonly computeUnitsConsumed: bigint;
  readonly innerInstructions: { index: number; instructions: InnerInstructionRecord[] }[];
  readonly returnData: { programId: string; data: Uint8Array } | null;
  readonly blockTime: number;
}

export interface InnerInstructionRecord {
  readonly programIdIndex: number;
  readonly accounts: number[];
  readonly data: Uint8Array;
  readonly stackHeight: number;
}

/** Everything the ledger streams, in the order it happened. Geyser subscribers are cursors over these. */
export type LedgerEvent =
  | {
      readonly kind: 'account';
      readonly seq: number;
      readonly slot: number;
      readonly pubkey: string;
      /** `null`: the account was closed (streamed as a zero-lamport, empty account). */
      readonly account: AccountState | null;
      readonly writeVersion: bigint;
      readonly txnSignature: string | null;
      /** The same signature as bytes (a view into the transaction), so streaming does not decode base58. */
      readonly txnSignatureBytes: Uint8Array | null;
      /** `pubkey` as bytes when the transaction's wire has it (a view into it); otherwise streaming decodes it. */
      readonly pubkeyBytes?: Uint8Array | undefined;
    }
  | { readonly kind: 'transaction'; readonly seq: number; readonly slot: number; readonly tx: TransactionRecord }
  | {
      readonly kind: 'slot';
      readonly seq: number;
      readonly slot: number;
      readonly parent: number | null;
      readonly status: SlotStatus;
    }
  | { readonly kind: 'blockMeta'; readonly seq: number; readonly slot: number; readonly block: BlockInfo };

export type LedgerEventInput = LedgerEvent extends infer E ? (E extends LedgerEvent ? Omit<E, 'seq'> : never) : never;

export interface BlockInfo {
  readonly slot: number;
  readonly parentSlot: number;
  readonly blockhash: string;
  readonly parentBlockhash: string;
  readonly blockHeight: number;
  readonly blockTime: number;
  readonly transactionCount: number;
}

/** A slot as the ledger keeps it. */
export interface SlotRecord {
  readonly slot: number;
  readonly parent: number | null;
  readonly blockhash: string;
  readonly blockHeight: number;
  readonly unixTime: number;
  status: SlotStatus | 'open';
  transactions: string[];
}
