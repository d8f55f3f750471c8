// Adversarial suite, arithmetic guards: huge stakes, lifetimes, counters and balances end in ArithmeticOverflow,
// RecipientNotRentExempt or the matching validation error, never in a wrapped value.
import { address } from '@solana/kit';
import { Keypair, type PublicKey, SystemProgram } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  createThreadInstruction,
  decodeThreadAccount,
  divestInstruction,
  encodeThreadAccount,
  MAX_SPEC_LIFETIME_SECONDS,
  ProgramError,
  submitMessageInstruction,
  submitSpecInstruction,
  type ThreadAccountFields,
} from '../client/index.js';
import { Adversary } from './adversarial-fixture.js';
import { addr, randomId, SOL, START_TIME } from './harness.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const I64_MAX = (1n << 63n) - 1n;

describe('adversarial: overflow guards', () => {
  let adv: Adversary;
  beforeAll(() => {
    adv = new Adversary();
  });

  /** Rewrites fields of a live thread in place (its PDA still derives; only the numbers change). */
  function patchThread(thread: PublicKey, change: Partial<ThreadAccountFields>) {
    const decoded = decodeThreadAccount(adv.chain.data(thread) as Uint8Array);
    if (!decoded.ok) throw decoded.error;
    const acc = adv.chain.svm.getAccount(addr(thread));
    if (!acc.exists) throw new Error('no thread');
    adv.chain.svm.setAccount({ ...acc, data: encodeThreadAccount({ ...decoded.value, ...change }) });
  }

  function setLamports(key: PublicKey, lamports: bigint) {
    const acc = adv.chain.svm.getAccount(addr(key));
    const base = acc.exists
      ? acc
      : {
          address: addr(key),
          programAddress: address('11111111111111111111111111111111'),
          data: new Uint8Array(),
          executable: false,
          space: 0n,
          lamports: 0n,
        };
    adv.chain.svm.setAccount({ ...base, lamports: lamports as never });
  }

  it('create_thread: lifetimes beyond 100 years or negative, at the i64 extremes', () => {
    for (const lifetime of [MAX_SPEC_LIFETIME_SECONDS + 1n, I64_MAX, -1n, -(1n << 63n)]) {
      const ix = createThreadInstruction({
        payer: adv.alice.publicKey,
        creator: adv.alice.publicKey,
        threadId: randomId(),
        coAuthors: [adv.alice.publicKey],
        minStake: U64_MAX,
        specLifetime: lifetime,
      });
      expect(adv.fail([ix], [adv.alice]), String(lifetime)).toBe(ProgramError.InvalidSpecLifetime);
    }
  });

  it('submit_spec: a stake whose rent + stake overflows u64, one nobody can pay, and one under a u64::MAX minimum', () => {
    const thread = adv.newThread();
    const spec = (stake: bigint, n: string) =>
      submitSpecInstruction({ author: adv.outsider.publicKey, thread, contentHash: contentHash(n), stake });
    expect(adv.fail([spec(U64_MAX, 'max stake')], [adv.outsider])).toBe(ProgramError.ArithmeticOverflow);
    expect(adv.fail([spec(U64_MAX - SOL, 'huge stake')], [adv.outsider])).toBe(ProgramError.InsufficientFunds);
    const strict = adv.newThread();
    patchThread(strict, { minStake: U64_MAX });
    const under = submitSpecInstruction({
      author: adv.outsider.publicKey,
      thread: strict,
      contentHash: contentHash('under max'),
      stake: U64_MAX - 1n,
    });
    expect(adv.fail([under], [adv.outsider])).toBe(ProgramError.StakeBelowMinimum);
  });

  it('submit_spec: now + a 100-year lifetime past the end of i64 time', () => {
    const thread = adv.newThread();
    patchThread(thread, { specLifetime: MAX_SPEC_LIFETIME_SECONDS });
    adv.chain.setTime(I64_MAX - MAX_SPEC_LIFETIME_SECONDS + 1n);
    try {
      const ix = submitSpecInstruction({
        author: adv.outsider.publicKey,
        thread,
        contentHash: contentHash('late'),
        stake: 0n,
      });
      expect(adv.fail([ix], [adv.outsider])).toBe(ProgramError.ArithmeticOverflow);
    } finally {
      adv.chain.setTime(START_TIME + 1_000_000n);
    }
  });

  it('submit_message and submit_spec: message and spec counters at u64::MAX', () => {
    const full = adv.newThread();
    patchThread(full, { messageCount: U64_MAX });
    const publish = submitMessageInstruction({
      payer: adv.alice.publicKey,
      author: adv.alice.publicKey,
      thread: full,
      contentHash: contentHash('one too many'),
    });
    expect(adv.fail([publish], [adv.alice])).toBe(ProgramError.ArithmeticOverflow);
    patchThread(full, { messageCount: 0n, specCount: U64_MAX });
    const spec = submitSpecInstruction({
      author: adv.outsider.publicKey,
      thread: full,
      contentHash: contentHash('spec'),
      stake: 0n,
    });
    expect(adv.fail([spec], [adv.outsider])).toBe(ProgramError.ArithmeticOverflow);
  });

  it('divest: income per co-author that would pass u64::MAX', () => {
    const thread = adv.newThread();
    const accounted = adv.chain.balance(thread);
    patchThread(thread, {
      incomePerCoAuthor: U64_MAX - 1n,
      accountedLamports: accounted,
      coAuthorIncomeAtJoin: [U64_MAX - 1n, U64_MAX - 1n],
    });
    adv.ok([SystemProgram.transfer({ fromPubkey: adv.relayer.publicKey, toPubkey: thread, lamports: 10n })]);
    expect(adv.fail([divestInstruction({ coAuthor: adv.alice.publicKey, thread })], [adv.alice])).toBe(
      ProgramError.ArithmeticOverflow,
    );
  });

  it('divest: a recipient balance that would pass u64::MAX', () => {
    const rich = Keypair.generate();
    const thread = adv.newThread();
    adv.ok([SystemProgram.transfer({ fromPubkey: adv.relayer.publicKey, toPubkey: thread, lamports: 2n * SOL })]);
    // Make `rich` the second co-author, then give it nearly every lamport there can be.
    const t = decodeThreadAccount(adv.chain.data(thread) as Uint8Array);
    if (!t.ok) throw t.error;
    patchThread(thread, { coAuthors: [t.value.coAuthors[0] as string, rich.publicKey.toBase58()] });
    setLamports(rich.publicKey, U64_MAX - 10n);
    expect(adv.fail([divestInstruction({ coAuthor: rich.publicKey, thread })], [rich])).toBe(
      ProgramError.ArithmeticOverflow,
    );
  });

  it('divest: a recipient that would stay below rent exemption (no account yet, a tiny share)', () => {
    const ghost = Keypair.generate(); // signs, holds nothing: a share under the rent minimum cannot land
    const thread = adv.newThread();
    const t = decodeThreadAccount(adv.chain.data(thread) as Uint8Array);
    if (!t.ok) throw t.error;
    patchThread(thread, { coAuthors: [t.value.coAuthors[0] as string, ghost.publicKey.toBase58()] });
    adv.ok([SystemProgram.transfer({ fromPubkey: adv.relayer.publicKey, toPubkey: thread, lamports: 1000n })]);
    expect(adv.fail([divestInstruction({ coAuthor: ghost.publicKey, thread })], [ghost])).toBe(
      ProgramError.RecipientNotRentExempt,
    );
    // Once the share covers the rent minimum, the same co-author can divest.
    adv.ok([SystemProgram.transfer({ fromPubkey: adv.relayer.publicKey, toPubkey: thread, lamports: 2n * SOL })]);
    adv.ok([divestInstruction({ coAuthor: ghost.publicKey, thread })], [ghost]);
    expect(adv.chain.balance(ghost.publicKey)).toBe(SOL + 500n);
  });
});
