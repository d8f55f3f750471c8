import type { Account, FailedTransactionMetadata, LiteSVM, TransactionMetadata } from 'litesvm';
import { RENT_EXEMPT_EPOCH } from './accounts.js';
import type { AccountState } from './types.js';
import { base58, type DecodedTransaction } from './wire.js';

/**
 * LiteSVM's byte-level API (its `inner` binding). The public wrapper converts every address and transaction
 * through @solana/kit's codecs (BigInt base58), which costs more than executing a transfer; the ledger's hot path
 * already has the bytes.
 */
interface RawSvm {
  getAccount(pubkey: Uint8Array): Account | null;
  sendLegacyTransaction(tx: Uint8Array): TransactionMetadata | FailedTransactionMetadata;
  sendVersionedTransaction(tx: Uint8Array): TransactionMetadata | FailedTransactionMetadata;
}

function raw(svm: LiteSVM): RawSvm {
  return (svm as unknown as { inner: RawSvm }).inner;
}

// Owners repeat (System, the Choir program, loaders): keep their base58 form.
const ownerNames = new Map<string, string>();
function ownerName(bytes: Uint8Array): string {
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let name = ownerNames.get(key);
  if (name === undefined) {
    name = base58(bytes);
    if (ownerNames.size > 10_000) ownerNames.clear();
    ownerNames.set(key, name);
  }
  return name;
}

const EMPTY = new Uint8Array(0);

export function readAccountRaw(svm: LiteSVM, pubkey: Uint8Array): AccountState | null {
  const account = raw(svm).getAccount(pubkey);
  if (account === null) return null;
  const data = account.data();
  return {
    lamports: account.lamports(),
    owner: ownerName(account.owner()),
    executable: account.executable(),
    rentEpoch: RENT_EXEMPT_EPOCH,
    // Most accounts in a transfer-heavy history are data-less: one shared empty array instead of one each.
    data: data.length === 0 ? EMPTY : data,
  };
}

export function sendRaw(svm: LiteSVM, tx: DecodedTransaction): TransactionMetadata | FailedTransactionMetadata {
  return tx.version === 'legacy' ? raw(svm).sendLegacyTransaction(tx.wire) : raw(svm).sendVersionedTransaction(tx.wire);
}
