/**
 * What the indexer works on after decoding: the Geyser stream reduced to the three things it carries for the
 * Choir program. Slots and lamports are bigints; keys and signatures base58.
 */
import type { ChoirAccount, ChoirInstruction } from '../../programs/choir/client/index.js';

export type SlotStatus = 'processed' | 'confirmed' | 'finalized' | 'dead';

/** A Choir-owned account as written at (slot, writeVersion). */
export interface AccountUpdate {
  readonly kind: 'account';
  readonly pubkey: string;
  readonly slot: bigint;
  readonly writeVersion: bigint;
  readonly lamports: bigint;
  readonly txSignature: string | null;
  readonly account: ChoirAccount;
  /** Set once the transaction that wrote it is known (see sync/enrich.ts). */
  readonly instructionIndex: number | null;
}

export interface DecodedInstruction {
  /** Position among the transaction's top-level instructions. */
  readonly index: number;
  readonly instruction: ChoirInstruction;
}

export interface TransactionUpdate {
  readonly kind: 'transaction';
  readonly signature: string;
  readonly slot: bigint;
  readonly failed: boolean;
  /** The Choir instructions of the transaction that decoded. */
  readonly instructions: readonly DecodedInstruction[];
  /** Balance change per account key (post - pre), for Divested amounts. */
  readonly balanceDeltas: ReadonlyMap<string, bigint>;
}

export interface SlotUpdate {
  readonly kind: 'slot';
  readonly slot: bigint;
  readonly parent: bigint | null;
  readonly status: SlotStatus;
}

export type StreamUpdate = AccountUpdate | TransactionUpdate | SlotUpdate;

/** Why an update was skipped, for the decode-failure metric. */
export type SkipReason = 'account_malformed' | 'instruction_unknown' | 'update_malformed';
