import {
  Keypair,
  LAMPORTS_PER_SOL,
  MessageV0,
  PublicKey,
  SystemProgram,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentHash, findThreadAddress, submitMessageInstruction } from '../../programs/choir/client/index.js';
import { encodeAccountFramed } from '../../src/devnet/geyser/account-wire.js';
import { frame } from '../../src/devnet/geyser/batched-writes.js';
import { encodeAccount, encodeTransaction } from '../../src/devnet/geyser/encode.js';
import { encodeTransactionFramed } from '../../src/devnet/geyser/transaction-wire.js';
import type { Devnet, LedgerEvent } from '../../src/devnet/index.js';
import { base58, decodeTransaction } from '../../src/devnet/ledger/wire.js';
import { execute, funded, ownThreadInstruction, testDevnet } from './support.js';

type AccountEvent = Extract<LedgerEvent, { kind: 'account' }>;
type TransactionEvent = Extract<LedgerEvent, { kind: 'transaction' }>;

// The hand-written encoders (account-wire.ts, transaction-wire.ts) against the client's own ts-proto codec
// (encode.ts), byte for byte, at a fixed clock (created_at is part of the bytes).
const FILTER_SETS = [['choir'], ['a', 'b'], [], ['ünïcødé ✓']];
const CLOCKS = [1_700_000_000_123, 1_700_000_000_000, 1];

function atEachClock(check: () => void): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    for (const now of CLOCKS) {
      vi.setSystemTime(now);
      check();
    }
  } finally {
    vi.useRealTimers();
  }
}

function expectSameTransaction(event: TransactionEvent): void {
  atEachClock(() => {
    for (const filters of FILTER_SETS) {
      expect(encodeTransactionFramed(event, filters).toString('hex')).toBe(
        frame(encodeTransaction(event, filters)).toString('hex'),
      );
    }
  });
}

function expectSameAccount(event: AccountEvent): void {
  const slicesList = [
    [],
    [{ offset: 0, length: 8 }],
    [
      { offset: 1, length: 2 },
      { offset: 40, length: 1_000 },
    ],
  ];
  atEachClock(() => {
    for (const filters of FILTER_SETS) {
      for (const slices of slicesList) {
        expect(encodeAccountFramed(event, filters, slices).toString('hex')).toBe(
          frame(encodeAccount(event, filters, slices)).toString('hex'),
        );
      }
    }
  });
}

describe('devnet Geyser: hand-written update encodings are the official codec bytes', () => {
  let devnet: Devnet;
  let events: LedgerEvent[];

  beforeAll(async () => {
    devnet = await testDevnet();
    const author = funded(devnet);
    const threadId = new Uint8Array(32).fill(7);
    const [thread] = findThreadAddress(threadId);
    execute(devnet, [ownThreadInstruction(author.publicKey, threadId)], [author]);
    const hash = contentHash('wire');
    const submit = () =>
      submitMessageInstruction({ payer: author.publicKey, author: author.publicKey, thread, contentHash: hash });
    execute(devnet, [submit()], [author]);
    // Fails on chain (the message exists) but lands: meta.err, fee charged.
    const relayer = funded(devnet);
    execute(
      devnet,
      [submitMessageInstruction({ payer: relayer.publicKey, author: author.publicKey, thread, contentHash: hash })],
      [relayer, author],
    );
    devnet.tick();
    // A v0 transaction (no lookup tables: LiteSVM has none here) and a transfer that closes nothing.
    const blockhash = devnet.ledger.chain.latestBlockhash('processed').blockhash;
    const v0 = new VersionedTransaction(
      new TransactionMessage({
        payerKey: author.publicKey,
        recentBlockhash: blockhash,
        instructions: [
          SystemProgram.transfer({
            fromPubkey: author.publicKey,
            toPubkey: Keypair.generate().publicKey,
            lamports: 5e6,
          }),
        ],
      }).compileToV0Message(),
    );
    v0.sign([author]);
    const out = devnet.ledger.send(decodeTransaction(v0.serialize()));
    if (!out.landed) throw new Error('v0 transaction rejected');
    devnet.tick(3);
    const log = devnet.ledger.events;
    events = [];
    for (let seq = log.firstSeq; seq < log.nextSeq; seq++) events.push(log.get(seq)!);
  });
  afterAll(async () => {
    await devnet.close();
  });
  it('transactions of the ledger: transfers, program calls (logs, inner instructions), a failed one, v0', () => {
    const txs = events.filter((e): e is TransactionEvent => e.kind === 'transaction');
    expect(txs.length).toBeGreaterThanOrEqual(6);
    expect(txs.some((e) => e.tx.err !== null)).toBe(true);
    expect(txs.some((e) => e.tx.version === 0)).toBe(true);
    expect(txs.some((e) => e.tx.innerInstructions.length > 0)).toBe(true);
    expect(txs.some((e) => e.tx.index === 0)).toBe(true);
    for (const event of txs) expectSameTransaction(event);
  });

  it('account updates of the ledger', () => {
    const accounts = events.filter((e): e is AccountEvent => e.kind === 'account');
    expect(accounts.length).toBeGreaterThan(10);
    // Transactions' writes carry their key as bytes (a view into the wire): no base58 decoding when streaming.
    for (const event of accounts.filter((e) => e.txnSignature !== null)) {
      expect(event.pubkeyBytes && base58(event.pubkeyBytes)).toBe(event.pubkey);
    }
    for (const event of accounts) expectSameAccount(event);
  });

  it('synthetic transactions: lookup tables, u64 extremes, return data, errors, empty fields', () => {
    const key = () => Keypair.generate().publicKey;
    const payer = key();
    const message = new MessageV0({
      header: { numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1 },
      staticAccountKeys: [payer, key(), SystemProgram.programId],
      recentBlockhash: new PublicKey(new Uint8Array(32).fill(9)).toBase58(),
      compiledInstructions: [
        { programIdIndex: 2, accountKeyIndexes: [0, 1, 3, 4], data: Uint8Array.of(2, 0, 0, 0, 1) },
        { programIdIndex: 0, accountKeyIndexes: [], data: new Uint8Array() },
        {
          programIdIndex: 2,
          accountKeyIndexes: Array.from({ length: 200 }, (_, i) => i % 5),
          data: new Uint8Array(300),
        },
      ],
      addressTableLookups: [
        { accountKey: key(), writableIndexes: [1, 200], readonlyIndexes: [] },
        { accountKey: key(), writableIndexes: [], readonlyIndexes: [0] },
        { accountKey: key(), writableIndexes: [], readonlyIndexes: [] },
      ],
    });
    const v0 = new VersionedTransaction(message, [new Uint8Array(64).fill(1)]).serialize();
    const legacy = new VersionedTransaction(
      new TransactionMessage({
        payerKey: payer,
        recentBlockhash: new PublicKey(new Uint8Array(32).fill(4)).toBase58(),
        instructions: [SystemProgram.transfer({ fromPubkey: payer, toPubkey: key(), lamports: 1 })],
      }).compileToLegacyMessage(),
      [new Uint8Array(64).fill(2)],
    ).serialize();
    const base = decodeTransaction(v0);
    const record = {
      signature: base.signature,
      slot: 0,
      index: 0,
      wire: v0,
      version: 0 as const,
      accountKeys: base.accountKeys,
      writable: base.writable,
      err: null,
      fee: 0n,
      preBalances: [],
      postBalances: [],
      logs: [],
      computeUnitsConsumed: 0n,
      innerInstructions: [],
      returnData: null,
      blockTime: 0,
    };
    const variants = [
      record,
      {
        ...record,
        slot: 2 ** 40,
        index: 300,
        err: 'AccountNotFound',
        fee: 5_000n,
        preBalances: [0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n],
        postBalances: [127n, 128n, 16_384n],
        logs: ['Program log: héllo ✓ 🎶', '', 'x'.repeat(300)],
        computeUnitsConsumed: 1_400_000n,
        innerInstructions: [
          {
            index: 0,
            instructions: [
              { programIdIndex: 0, accounts: [], data: new Uint8Array(), stackHeight: 0 },
              { programIdIndex: 200, accounts: [1, 2, 255], data: Uint8Array.of(1, 2, 3), stackHeight: 5 },
            ],
          },
          { index: 2, instructions: [] },
        ],
        returnData: { programId: SystemProgram.programId.toBase58(), data: Uint8Array.of(1, 2) },
      },
      {
        ...record,
        wire: legacy,
        version: 'legacy' as const,
        err: { InstructionError: [1, { Custom: 6001 }] },
        returnData: { programId: payer.toBase58(), data: new Uint8Array() },
      },
      { ...record, err: { InstructionError: [0, 'InvalidArgument'] }, computeUnitsConsumed: 2n ** 64n - 1n },
      { ...record, err: { InsufficientFundsForRent: { account_index: 3 } } },
      // ASCII logs take a path of their own (written as one latin1 string): lengths around the varint boundaries.
      { ...record, logs: ['', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(16_384), '\x00\x7f', 'Program log: ok'] },
      { ...record, logs: ['ascii', 'caf\u00e9 (latin1, not ASCII)', 'ascii again'] },
    ];
    for (const tx of variants) {
      expectSameTransaction({ kind: 'transaction', seq: 1, slot: tx.slot, tx } as TransactionEvent);
    }
  });

  it('synthetic account updates: closed, executable, u64 extremes, no signature', () => {
    const pubkey = Keypair.generate().publicKey.toBase58();
    const base: AccountEvent = {
      kind: 'account',
      seq: 1,
      slot: 0,
      pubkey,
      account: null,
      writeVersion: 0n,
      txnSignature: null,
      txnSignatureBytes: null,
    };
    const signature = new Uint8Array(64).fill(5);
    for (const event of [
      base,
      {
        ...base,
        slot: 2 ** 40,
        writeVersion: 2n ** 60n,
        txnSignature: base58(signature),
        txnSignatureBytes: signature,
        account: {
          lamports: 2n ** 64n - 1n,
          owner: SystemProgram.programId.toBase58(),
          executable: true,
          rentEpoch: 2n ** 64n - 1n,
          data: new Uint8Array(200).fill(3),
        },
      },
      {
        ...base,
        slot: 9,
        writeVersion: 1n,
        account: {
          lamports: BigInt(LAMPORTS_PER_SOL),
          owner: pubkey,
          executable: false,
          rentEpoch: 0n,
          data: new Uint8Array(),
        },
      },
    ]) {
      expectSameAccount(event);
    }
  });
});
