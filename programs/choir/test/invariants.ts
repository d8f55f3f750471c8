// Checks over every account the program owns: the invariants the property and conservation tests rely on.

import type { PublicKey } from '@solana/web3.js';
import {
  CHOIR_PROGRAM_ID,
  decodeAccount,
  MESSAGE_ACCOUNT_SIZE,
  type MessageAccount,
  THREAD_ACCOUNT_SIZE,
  type ThreadAccount,
} from '../client/index.js';
import { addr, type Chain } from './harness.js';

export interface ProgramState {
  threads: Map<string, { account: ThreadAccount; lamports: bigint }>;
  messages: Map<string, { account: MessageAccount; lamports: bigint }>;
}

export function readProgramState(chain: Chain): ProgramState {
  const state: ProgramState = { threads: new Map(), messages: new Map() };
  for (const acc of chain.svm.getProgramAccounts(addr(CHOIR_PROGRAM_ID))) {
    const decoded = decodeAccount(Uint8Array.from(acc.data));
    if (!decoded.ok) throw new Error(`program account ${acc.address} does not decode: ${decoded.error.message}`);
    const entry = { lamports: BigInt(acc.lamports) };
    if (decoded.value.kind === 'thread') state.threads.set(acc.address, { ...entry, account: decoded.value });
    else state.messages.set(acc.address, { ...entry, account: decoded.value });
  }
  return state;
}

/** Returns the list of broken invariants (empty when all hold). */
export function brokenInvariants(chain: Chain, state = readProgramState(chain)): string[] {
  const broken: string[] = [];
  const threadRent = chain.rent(THREAD_ACCOUNT_SIZE);
  const messageRent = chain.rent(MESSAGE_ACCOUNT_SIZE);
  for (const [address, { account: t, lamports }] of state.threads) {
    const own = [...state.messages.values()].filter((m) => m.account.thread === address).map((m) => m.account);
    const published = own.filter((m) => m.status === 'Published' || m.status === 'Approved').length;
    const specs = own.filter((m) => m.messageKind === 'spec').length;
    if (t.coAuthors.length > 10) broken.push(`${address}: ${t.coAuthors.length} co-authors`);
    if (new Set(t.coAuthors).size !== t.coAuthors.length) broken.push(`${address}: duplicate co-author`);
    if (t.messageCount !== BigInt(published))
      broken.push(`${address}: message count ${t.messageCount} != ${published}`);
    if (t.specCount !== BigInt(specs)) broken.push(`${address}: spec count ${t.specCount} != ${specs}`);
    if (lamports < threadRent) broken.push(`${address}: thread below rent`);
  }
  for (const [address, { account: m, lamports }] of state.messages) {
    if (!state.threads.has(m.thread)) broken.push(`${address}: message of unknown thread`);
    const expected = m.status === 'Pending' ? messageRent + m.stake : messageRent;
    if (lamports !== expected) broken.push(`${address}: ${m.status} message holds ${lamports}, expected ${expected}`);
  }
  return broken;
}

/** Sum of the balances of `keys` plus every program-owned account. */
export function totalLamports(chain: Chain, keys: readonly PublicKey[]): bigint {
  let total = 0n;
  for (const k of keys) total += chain.balance(k);
  for (const acc of chain.svm.getProgramAccounts(addr(CHOIR_PROGRAM_ID))) total += BigInt(acc.lamports);
  return total;
}
