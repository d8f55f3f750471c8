import { type Address, address, type EncodedAccount, type Lamports, lamports } from '@solana/kit';
import type { LiteSVM } from 'litesvm';
import type { AccountState } from './types.js';

/** Modern validators report `u64::MAX` as the rent epoch of every rent-exempt account. */
export const RENT_EXEMPT_EPOCH = 18_446_744_073_709_551_615n;

const SYSTEM = address('11111111111111111111111111111111');

/**
 * An account as LiteSVM's kit-style API returns it (from getAccount, getProgramAccounts or a simulation's
 * postAccounts), in the ledger's own form. The one place that conversion is written, so every read reports the same
 * rent epoch and owner field.
 */
export function accountStateOf(found: EncodedAccount): AccountState {
  return {
    lamports: found.lamports,
    owner: found.programAddress,
    executable: found.executable,
    rentEpoch: RENT_EXEMPT_EPOCH,
    data: found.data as Uint8Array,
  };
}

export function readAccount(svm: LiteSVM, pubkey: string): AccountState | null {
  const found = svm.getAccount(pubkey as Address);
  return found.exists ? accountStateOf(found) : null;
}

/** Writes an account into LiteSVM; `null` removes it (a zero-lamport account reads as absent). */
export function writeAccount(svm: LiteSVM, pubkey: string, account: AccountState | null): void {
  svm.setAccount({
    address: pubkey as Address,
    lamports: (account?.lamports ?? 0n) as Lamports,
    programAddress: (account?.owner as Address | undefined) ?? SYSTEM,
    executable: account?.executable ?? false,
    data: account?.data ?? new Uint8Array(),
    space: BigInt(account?.data.length ?? 0),
  });
}

export function sameAccount(a: AccountState | null, b: AccountState | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.lamports === b.lamports &&
    a.owner === b.owner &&
    a.executable === b.executable &&
    Buffer.compare(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.length), Buffer.from(b.data)) === 0
  );
}

export { lamports };
