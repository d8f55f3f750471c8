import { SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import { describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID, encodeMessageAccount } from '../../programs/choir/client/index.js';
import { key, messageUpdate, newMessage, newThread } from '../../test/indexer/fixtures.js';
import { StatusTracker } from '../status/status.js';
import { decodeUpdate } from './decode-update.js';
import type { AccountUpdate, SkipReason } from './types.js';

const PROGRAM = CHOIR_PROGRAM_ID.toBase58();

/** Round-trips through the Yellowstone codec, so the object has the wire's shape (bytes, u64 strings, enums). */
const wire = (u: Record<string, unknown>) =>
  SubscribeUpdate.decode(
    // ts-proto's exact-object typing rejects nested literals; the codec validates the shape at run time.
    SubscribeUpdate.encode(SubscribeUpdate.fromPartial({ filters: ['choir'], ...u } as never)).finish(),
  );

function account(data: Uint8Array, owner = PROGRAM) {
  return wire({
    account: {
      slot: '7',
      isStartup: false,
      account: {
        pubkey: bs58.decode(key()),
        lamports: '1000',
        owner: bs58.decode(owner),
        executable: false,
        rentEpoch: '0',
        data,
        writeVersion: '3',
        txnSignature: new Uint8Array(64).fill(1),
      },
    },
  });
}

function transaction(instructions: { data: Uint8Array; accounts: number[] }[]) {
  const keys = [key(), key(), key(), key(), key(), PROGRAM];
  return wire({
    transaction: {
      slot: '8',
      transaction: {
        signature: new Uint8Array(64).fill(2),
        isVote: false,
        index: '0',
        transaction: {
          signatures: [new Uint8Array(64).fill(2)],
          message: {
            header: { numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1 },
            accountKeys: keys.map((k) => bs58.decode(k)),
            recentBlockhash: new Uint8Array(32),
            instructions: instructions.map((ix) => ({
              programIdIndex: 5,
              accounts: Uint8Array.from(ix.accounts),
              data: ix.data,
            })),
            versioned: false,
            addressTableLookups: [],
          },
        },
        meta: {
          fee: '5000',
          preBalances: ['10', '0', '0', '0', '0', '1'],
          postBalances: ['5', '0', '0', '0', '0', '1'],
          innerInstructions: [],
          innerInstructionsNone: false,
          logMessages: [],
          logMessagesNone: false,
          preTokenBalances: [],
          postTokenBalances: [],
          rewards: [],
          loadedWritableAddresses: [],
          loadedReadonlyAddresses: [],
          returnDataNone: true,
        },
      },
    },
  });
}

describe('decodeUpdate', () => {
  const status = new StatusTracker('test');
  const skipped: SkipReason[] = [];
  const onSkip = (reason: SkipReason) => {
    skipped.push(reason);
    status.skipped(reason);
  };

  it('decodes a Choir account update', () => {
    const t = newThread();
    const good = messageUpdate(newMessage(t, 'x'), 7);
    // Re-encode through the fixture's decoded account bytes.
    const u = decodeUpdate(account(encodeFromUpdate(good)), PROGRAM, onSkip);
    expect(u).toMatchObject({ kind: 'account', slot: 7n, writeVersion: 3n, lamports: 1000n });
    expect(u?.kind === 'account' && u.account.kind).toBe('message');
  });

  it('skips and counts malformed account data and unknown instructions, never throwing', () => {
    const before = skipped.length;
    expect(decodeUpdate(account(new Uint8Array([1, 2, 3])), PROGRAM, onSkip)).toBeNull();
    expect(decodeUpdate(account(new Uint8Array(488).fill(9)), PROGRAM, onSkip)).toBeNull();
    const tx = decodeUpdate(
      transaction([
        { data: Uint8Array.of(200, 1, 2), accounts: [0, 1] },
        { data: Uint8Array.of(5), accounts: [0, 1] },
      ]),
      PROGRAM,
      onSkip,
    );
    expect(tx).toMatchObject({ kind: 'transaction', slot: 8n, failed: false });
    expect(tx?.kind === 'transaction' && tx.instructions.map((i) => [i.index, i.instruction.name])).toEqual([
      [1, 'divest'],
    ]);
    expect(decodeUpdate({ account: { slot: 'not a number', account: undefined } }, PROGRAM, onSkip)).toBeNull();
    expect(skipped.slice(before)).toEqual([
      'account_malformed',
      'account_malformed',
      'instruction_unknown',
      'update_malformed',
    ]);
    expect(status.snapshot().decodeFailures).toMatchObject({
      account_malformed: 2,
      instruction_unknown: 1,
      update_malformed: 1,
    });
  });

  it('ignores accounts of other owners (closed accounts), pings and unknown slot statuses', () => {
    const before = skipped.length;
    expect(decodeUpdate(account(new Uint8Array(0), '11111111111111111111111111111111'), PROGRAM, onSkip)).toBeNull();
    expect(decodeUpdate(wire({ ping: {} }), PROGRAM, onSkip)).toBeNull();
    expect(decodeUpdate(wire({ slot: { slot: '9', status: 4 } }), PROGRAM, onSkip)).toBeNull();
    expect(decodeUpdate(wire({ slot: { slot: '9', parent: '8', status: 6 } }), PROGRAM, onSkip)).toEqual({
      kind: 'slot',
      slot: 9n,
      parent: 8n,
      status: 'dead',
    });
    expect(skipped.length).toBe(before);
  });
});

function encodeFromUpdate(u: AccountUpdate): Uint8Array {
  if (u.account.kind !== 'message') throw new Error('message expected');
  const { kind: _k, version: _v, ...rest } = u.account;
  return encodeMessageAccount(rest);
}
