/**
 * Synthetic stream updates for indexer tests: real Choir account layouts (encoded with the program client, then
 * decoded as the indexer would), with slots and write versions chosen by the test.
 */
import { createHash } from 'node:crypto';
import { Keypair } from '@solana/web3.js';
import type { AccountUpdate, SlotStatus, SlotUpdate, TransactionUpdate } from '../../indexer/decode/types.js';
import {
  type ChoirInstruction,
  decodeAccount,
  encodeMessageAccount,
  encodeThreadAccount,
  type MessageAccount,
  type ThreadAccountFields,
} from '../../programs/choir/client/index.js';

export const key = () => Keypair.generate().publicKey.toBase58();
export const sha = (text: string) => createHash('sha256').update(text).digest();

let writeVersion = 1n;
export function resetWriteVersion() {
  writeVersion = 1n;
}

function accountUpdate(pubkey: string, data: Uint8Array, slot: number, sig: string | null, lamports = 10_000_000n) {
  const decoded = decodeAccount(data);
  if (!decoded.ok) throw decoded.error;
  const u: AccountUpdate = {
    kind: 'account',
    pubkey,
    slot: BigInt(slot),
    writeVersion: writeVersion++,
    lamports,
    txSignature: sig,
    account: decoded.value,
    instructionIndex: sig === null ? null : 0,
  };
  return u;
}

// The divest accounting fields are optional (zeros) in the encoder's input.
export interface ThreadState extends ThreadAccountFields {
  address: string;
}

export function newThread(creator = key(), coAuthors: string[] = [creator]): ThreadState {
  return {
    address: key(),
    bump: 255,
    threadId: sha(`thread ${Math.random()}`),
    creator,
    coAuthors,
    messageCount: 0n,
    specCount: 0n,
    contentRoot: new Uint8Array(32),
    minStake: 0n,
    specLifetime: 604_800n,
    createdAt: 1_700_000_000n,
    createdSlot: 1n,
    updatedAt: 1_700_000_000n,
    updatedSlot: 1n,
  };
}

export function threadUpdate(t: ThreadState, slot: number, sig: string | null = `sig-t-${slot}-${writeVersion}`) {
  const { address, ...account } = t;
  return accountUpdate(address, encodeThreadAccount(account), slot, sig);
}

export interface MessageState extends Omit<MessageAccount, 'kind' | 'version'> {
  address: string;
}

export function newMessage(thread: ThreadState, text: string, kind: 'message' | 'spec' = 'message'): MessageState {
  return {
    address: key(),
    bump: 254,
    messageKind: kind,
    status: kind === 'spec' ? 'Pending' : 'Published',
    approvals: 0,
    denials: 0,
    thread: thread.address,
    author: thread.creator,
    contentHash: sha(text),
    index: kind === 'spec' ? thread.specCount : thread.messageCount,
    stake: kind === 'spec' ? 1_000n : 0n,
    expiresAt: kind === 'spec' ? 1_800_000_000n : 0n,
    createdAt: 1_700_000_100n,
    createdSlot: 2n,
    updatedAt: 1_700_000_100n,
    updatedSlot: 2n,
  };
}

export function messageUpdate(m: MessageState, slot: number, sig: string | null = `sig-m-${slot}-${writeVersion}`) {
  const { address, ...account } = m;
  return accountUpdate(address, encodeMessageAccount(account), slot, sig);
}

export const slotUpdate = (slot: number, status: SlotStatus, parent: number | null = slot - 1): SlotUpdate => ({
  kind: 'slot',
  slot: BigInt(slot),
  parent: parent === null ? null : BigInt(parent),
  status,
});

export function divestTx(thread: ThreadState, coAuthor: string, slot: number, amount: bigint, sig: string) {
  const instruction: ChoirInstruction = { name: 'divest', accounts: { coAuthor, thread: thread.address } };
  const u: TransactionUpdate = {
    kind: 'transaction',
    signature: sig,
    slot: BigInt(slot),
    failed: false,
    instructions: [{ index: 0, instruction }],
    balanceDeltas: new Map([
      [thread.address, -amount],
      [coAuthor, amount],
    ]),
  };
  return u;
}

export const hashHex = (m: MessageState) => Buffer.from(m.contentHash).toString('hex');
