// Account and instruction decoders: round trips, malformed input rejected with a clear error, never a throw.
import { Keypair, PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isChoirError, toChoirError } from '../../../src/errors/index.js';
import {
  CHOIR_PROGRAM_ERRORS,
  createThreadInstruction,
  decodeAccount,
  decodeInstruction,
  decodeMessageAccount,
  decodeThreadAccount,
  divestInstruction,
  encodeMessageAccount,
  encodeThreadAccount,
  expireSpecInstruction,
  isProgramClientError,
  MESSAGE_KIND_NAMES,
  MESSAGE_LAYOUT_VERSION,
  MESSAGE_STATUS_NAMES,
  type MessageAccount,
  ProgramError,
  parseProgramErrorCode,
  submitMessageInstruction,
  submitSpecInstruction,
  THREAD_ACCOUNT_SIZE,
  THREAD_LAYOUT_VERSION,
  type ThreadAccount,
  ThreadOffsets,
  toProgramError,
  voteInstruction,
} from '../client/index.js';

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bs58.encode(b));
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

const threadArb: fc.Arbitrary<ThreadAccount> = fc
  .record({
    bump: fc.nat({ max: 255 }),
    threadId: bytes32,
    creator: key,
    coAuthors: fc.array(key, { minLength: 1, maxLength: 10 }),
    messageCount: u64,
    specCount: u64,
    contentRoot: bytes32,
    minStake: u64,
    specLifetime: i64,
    createdAt: i64,
    createdSlot: u64,
    updatedAt: i64,
    updatedSlot: u64,
    incomePerCoAuthor: u64,
    accountedLamports: u64,
    // Per slot: where in [0, income] the co-author joined and which part of its entitlement it withdrew.
    joins: fc.array(u64, { minLength: 10, maxLength: 10 }),
    withdrawals: fc.array(u64, { minLength: 10, maxLength: 10 }),
  })
  .map(({ joins, withdrawals, ...t }) => {
    const coAuthorIncomeAtJoin = t.coAuthors.map((_, i) => (joins[i] as bigint) % (t.incomePerCoAuthor + 1n));
    const coAuthorEntitlement = coAuthorIncomeAtJoin.map((joined) => t.incomePerCoAuthor - joined);
    const coAuthorWithdrawn = coAuthorEntitlement.map((e, i) => (withdrawals[i] as bigint) % (e + 1n));
    return {
      ...t,
      kind: 'thread' as const,
      version: THREAD_LAYOUT_VERSION,
      coAuthorIncomeAtJoin,
      coAuthorEntitlement,
      coAuthorWithdrawn,
    };
  });

const messageArb: fc.Arbitrary<MessageAccount> = fc
  .record({
    bump: fc.nat({ max: 255 }),
    spec: fc.boolean(),
    settled: fc.nat({ max: 3 }),
    votes: fc.array(fc.nat({ max: 2 }), { minLength: 10, maxLength: 10 }),
    thread: key,
    author: key,
    contentHash: bytes32,
    index: u64,
    stake: u64,
    expiresAt: i64,
    createdAt: i64,
    createdSlot: u64,
    updatedAt: i64,
    updatedSlot: u64,
  })
  .map(({ spec, settled, votes, ...rest }) => ({
    ...rest,
    kind: 'message' as const,
    version: MESSAGE_LAYOUT_VERSION,
    messageKind: spec ? 'spec' : 'message',
    status: spec ? (['Pending', 'Approved', 'Rejected', 'Expired'] as const)[settled]! : 'Published',
    approvals: votes.reduce((acc, v, i) => acc | (v === 1 ? 1 << i : 0), 0),
    denials: votes.reduce((acc, v, i) => acc | (v === 2 ? 1 << i : 0), 0),
  }));

describe('account decoders', () => {
  it('round-trip every account kind', () => {
    fc.assert(
      fc.property(threadArb, (t) => {
        expect(decodeAccount(encodeThreadAccount(t))).toEqual({ ok: true, value: t });
      }),
    );
    fc.assert(
      fc.property(messageArb, (m) => {
        expect(decodeAccount(encodeMessageAccount(m))).toEqual({ ok: true, value: m });
      }),
    );
  });

  it('never throw on random bytes, and reject them with SOLANA_ACCOUNT_MALFORMED', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        for (const decode of [decodeAccount, decodeThreadAccount, decodeMessageAccount]) {
          const res = decode(data);
          if (!res.ok) expect(isProgramClientError(res.error, 'SOLANA_ACCOUNT_MALFORMED')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throw on corrupted real layouts and explain the rejection', () => {
    fc.assert(
      fc.property(threadArb, messageArb, fc.nat(), fc.nat({ max: 255 }), (t, m, at, value) => {
        for (const good of [encodeThreadAccount(t), encodeMessageAccount(m)]) {
          const bad = Uint8Array.from(good);
          bad[at % bad.length] = value;
          const res = decodeAccount(bad);
          expect(typeof res.ok).toBe('boolean');
        }
      }),
      { numRuns: 300 },
    );
    const thread = encodeThreadAccount({
      ...fc.sample(threadArb, 1)[0]!,
      coAuthors: [Keypair.generate().publicKey.toBase58()],
      incomePerCoAuthor: 100n,
      coAuthorIncomeAtJoin: [40n],
      coAuthorWithdrawn: [10n],
    });
    const patched = (set: (v: DataView) => void) => {
      const copy = Uint8Array.from(thread);
      set(new DataView(copy.buffer));
      return copy;
    };
    const cases: [Uint8Array, RegExp][] = [
      [thread.subarray(0, THREAD_ACCOUNT_SIZE - 1), /664 bytes/],
      [thread.subarray(0, 488), /664 bytes/], // a layout v1 thread
      [Uint8Array.from(thread, (b, i) => (i === 0 ? 9 : b)), /version 9/],
      [Uint8Array.from(thread, (b, i) => (i === 0 ? 1 : b)), /layout version 1 \(this client reads 2\)/],
      [patched((v) => v.setBigUint64(ThreadOffsets.incomeAtJoin + 8, 1n, true)), /unused co-author share/],
      [patched((v) => v.setBigUint64(ThreadOffsets.withdrawn + 72, 1n, true)), /unused co-author share/],
      [patched((v) => v.setBigUint64(ThreadOffsets.incomeAtJoin, 101n, true)), /joined after/],
      [patched((v) => v.setBigUint64(ThreadOffsets.withdrawn, 61n, true)), /withdrew more than/],
      [Uint8Array.from(thread, (b, i) => (i === 3 ? 11 : b)), /co-author count 11/],
      [Uint8Array.from(thread, (b, i) => (i === 3 ? 0 : b)), /co-author count 0/],
      [Uint8Array.from(thread, (b, i) => (i === 72 + 32 ? 1 : b)), /unused co-author slots/],
      [Uint8Array.of(1, 7), /unknown account kind 7/],
      [new Uint8Array(), /too short/],
    ];
    for (const [data, reason] of cases) {
      const res = decodeAccount(data);
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.message).toMatch(reason);
    }
    const message = encodeMessageAccount(fc.sample(messageArb, 1)[0]!);
    for (const [offset, value, reason] of [
      [3, 2, /unknown message kind 2/],
      [4, 9, /unknown message status 9/],
      [5, 1, /reserved/],
    ] as const) {
      const res = decodeAccount(Uint8Array.from(message, (b, i) => (i === offset ? value : b)));
      expect(!res.ok && res.error.message).toMatch(reason);
    }
    const both = Uint8Array.from(message);
    both[3] = 1;
    both[4] = 1;
    both[6] = 1;
    both[8] = 1; // co-author 0 both approved and denied
    expect(decodeAccount(both)).toMatchObject({ ok: false });
    expect(MESSAGE_KIND_NAMES).toEqual(['message', 'spec']);
    expect(MESSAGE_STATUS_NAMES).toHaveLength(5);
  });
});

describe('instruction decoder', () => {
  const [a, b, thread] = [Keypair.generate().publicKey, Keypair.generate().publicKey, Keypair.generate().publicKey];
  const hash = new Uint8Array(32).fill(7);
  const keysOf = (ix: { keys: { pubkey: PublicKey }[] }) => ix.keys.map((k) => k.pubkey.toBase58());
  const decode = (ix: { data: Buffer; keys: { pubkey: PublicKey }[] }) => decodeInstruction(ix.data, keysOf(ix));

  it('decodes what the builders encode', () => {
    const threadId = new Uint8Array(32).fill(3);
    expect(
      decode(
        createThreadInstruction({ payer: b, creator: a, threadId, coAuthors: [a, b], minStake: 5n, specLifetime: 60n }),
      ),
    ).toMatchObject({
      ok: true,
      value: {
        name: 'createThread',
        threadId,
        minStake: 5n,
        specLifetime: 60n,
        coAuthors: [a.toBase58(), b.toBase58()],
        accounts: { payer: b.toBase58(), creator: a.toBase58() },
      },
    });
    expect(decode(submitMessageInstruction({ payer: b, author: a, thread, contentHash: hash }))).toMatchObject({
      ok: true,
      value: {
        name: 'submitMessage',
        contentHash: hash,
        accounts: { author: a.toBase58(), thread: thread.toBase58() },
      },
    });
    expect(decode(submitSpecInstruction({ author: a, thread, contentHash: hash, stake: 9n }))).toMatchObject({
      ok: true,
      value: { name: 'submitSpec', stake: 9n, accounts: { author: a.toBase58() } },
    });
    expect(
      decode(voteInstruction({ voter: a, thread, contentHash: hash, approve: false, payees: [a, b] })),
    ).toMatchObject({
      ok: true,
      value: { name: 'vote', approve: false, accounts: { voter: a.toBase58(), payees: [a.toBase58(), b.toBase58()] } },
    });
    expect(decode(expireSpecInstruction({ thread, contentHash: hash }))).toMatchObject({
      ok: true,
      value: { name: 'expireSpec' },
    });
    expect(decode(divestInstruction({ coAuthor: a, thread }))).toMatchObject({
      ok: true,
      value: { name: 'divest', accounts: { coAuthor: a.toBase58() } },
    });
  });

  it('rejects malformed data with SOLANA_INSTRUCTION_MALFORMED and never throws', () => {
    const ix = submitMessageInstruction({ payer: b, author: a, thread, contentHash: hash });
    for (const [data, keys, reason] of [
      [new Uint8Array(), keysOf(ix), /empty/],
      [ix.data.subarray(0, 20), keysOf(ix), /33 bytes/],
      [ix.data, keysOf(ix).slice(0, 2), /needs 6 accounts/],
      [Uint8Array.of(42), [], /unknown instruction tag 42/],
    ] as const) {
      const res = decodeInstruction(data, keys);
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(isProgramClientError(res.error, 'SOLANA_INSTRUCTION_MALFORMED')).toBe(true);
        expect(isChoirError(toChoirError(res.error), 'SOLANA_INSTRUCTION_MALFORMED')).toBe(true);
        expect(res.error.message).toMatch(reason);
      }
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(key, { maxLength: 16 }), (data, keys) => {
        const res = decodeInstruction(data, keys);
        expect(typeof res.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
    expect(decodeInstruction(null as never, null as never).ok).toBe(false);
  });
});

describe('program error table and parser', () => {
  it('maps every number 1..37 to a unique name and a message', () => {
    expect([...CHOIR_PROGRAM_ERRORS.keys()]).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    expect(new Set([...CHOIR_PROGRAM_ERRORS.values()].map((e) => e.name)).size).toBe(37);
    expect(ProgramError.ThreadFull).toBe(19);
  });

  it('extracts the custom code from LiteSVM, RPC and log shapes, and nothing else', () => {
    expect(parseProgramErrorCode('InstructionError(0, Custom(19))')).toBe(19);
    expect(parseProgramErrorCode({ InstructionError: [1, { Custom: 22 }] })).toBe(22);
    expect(parseProgramErrorCode(new Error('failed: custom program error: 0x1f'))).toBe(31);
    expect(
      parseProgramErrorCode({ err: () => ({ index: 0, err: () => ({ code: 5, toString: () => 'Custom(5)' }) }) }),
    ).toBe(5);
    expect(parseProgramErrorCode('InsufficientFundsForFee')).toBeUndefined();
    expect(parseProgramErrorCode(undefined)).toBeUndefined();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(parseProgramErrorCode(circular)).toBeUndefined();
    const err = toProgramError('Custom(18)');
    expect(err?.code).toBe('SOLANA_PROGRAM_ERROR');
    expect(err?.details).toMatchObject({ programErrorCode: 18, programErrorName: 'DuplicateContentHash' });
    // The app maps the client's own error into its taxonomy, same code, same details.
    const mapped = toChoirError(err);
    expect(isChoirError(mapped, 'SOLANA_PROGRAM_ERROR')).toBe(true);
    expect(mapped.details).toMatchObject({ programErrorCode: 18 });
    expect(mapped.cause).toBe(err);
    expect(toProgramError('nothing here')).toBeUndefined();
    fc.assert(fc.property(fc.anything(), (x) => void parseProgramErrorCode(x)));
  });
});
