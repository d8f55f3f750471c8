// Divest pays entitlements, not shares of the current balance (issue 17 §1): the attacks from the issue and the
// rules they broke, one example each. The property test (divest-property.test.ts) covers random histories.
import { type Keypair, type PublicKey, SystemProgram } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  divestInstruction,
  isFailure,
  ProgramError,
  parseProgramErrorCode,
  submitSpecInstruction,
  THREAD_ACCOUNT_SIZE,
  voteInstruction,
} from '../client/index.js';
import { Chain, createThreadFor, SOL } from './harness.js';

describe('choir program: divest', () => {
  let chain: Chain;
  let relayer: Keypair;
  beforeAll(() => {
    chain = new Chain();
    relayer = chain.newFunded(1000n * SOL);
  });

  /** Forfeits `stake` to the thread through a denied spec (the route to fill a thread). */
  function forfeit(thread: PublicKey, voter: Keypair, stake: bigint): void {
    const author = chain.newFunded(stake + SOL);
    const contentHash_ = contentHash(`forfeit ${Math.random()}`);
    chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: contentHash_, stake })], [author]);
    chain.ok(
      [voteInstruction({ voter: voter.publicKey, thread, contentHash: contentHash_, approve: false })],
      [relayer, voter],
    );
  }

  /** Divests by `who` in one transaction (the relayer pays the fee); returns what each co-author received. */
  function divest(thread: PublicKey, who: Keypair[]): { paid: bigint[]; error?: number } {
    const signers = [...new Set(who)];
    const before = signers.map((k) => chain.balance(k.publicKey));
    const ixs = who.map((k) => divestInstruction({ coAuthor: k.publicKey, thread }));
    const res = chain.send(ixs, [relayer, ...signers]);
    const paid = signers.map((k, i) => chain.balance(k.publicKey) - (before[i] as bigint));
    return isFailure(res) ? { paid, error: parseProgramErrorCode(res) } : { paid };
  }

  it('thirty divests in one transaction do not drain the thread: each co-author gets half, once', () => {
    const [a, b] = [chain.newFunded(), chain.newFunded()];
    const thread = createThreadFor(chain, [a, b]);
    forfeit(thread, b, 10n * SOL);
    const drain = divest(thread, Array<Keypair>(30).fill(a));
    expect(drain).toEqual({ paid: [0n], error: ProgramError.NothingToDivest });
    expect(divest(thread, [a]).paid).toEqual([5n * SOL]);
    expect(divest(thread, [a])).toEqual({ paid: [0n], error: ProgramError.NothingToDivest });
    expect(divest(thread, [b]).paid).toEqual([5n * SOL]);
    expect(chain.balance(thread)).toBe(chain.rent(THREAD_ACCOUNT_SIZE));
    expect(chain.thread(thread).coAuthorWithdrawn).toEqual([5n * SOL, 5n * SOL]);
  });

  it('three separate divests on 8 SOL pay 4, then nothing, then nothing', () => {
    const [a, b] = [chain.newFunded(), chain.newFunded()];
    const thread = createThreadFor(chain, [a, b]);
    forfeit(thread, a, 8n * SOL);
    expect(divest(thread, [a]).paid).toEqual([4n * SOL]);
    expect(divest(thread, [a]).error).toBe(ProgramError.NothingToDivest);
    expect(divest(thread, [a]).error).toBe(ProgramError.NothingToDivest);
    expect(chain.balance(thread)).toBe(chain.rent(THREAD_ACCOUNT_SIZE) + 4n * SOL);
  });

  it('a co-author who joins later has no claim on what arrived before; direct transfers are shared', () => {
    const [a, b, c] = [chain.newFunded(), chain.newFunded(), chain.newFunded(20n * SOL)];
    const thread = createThreadFor(chain, [a, b]);
    forfeit(thread, a, 10n * SOL);
    // c's spec (stake 2 lamports + 1: one lamport of remainder for a and b) is approved; c joins.
    const h = contentHash('c joins');
    chain.ok([submitSpecInstruction({ author: c.publicKey, thread, contentHash: h, stake: 3n })], [c]);
    const payees = [a.publicKey, b.publicKey];
    chain.ok([voteInstruction({ voter: a.publicKey, thread, contentHash: h, approve: true })], [relayer, a]);
    chain.ok([voteInstruction({ voter: b.publicKey, thread, contentHash: h, approve: true, payees })], [relayer, b]);
    chain.ok(
      [SystemProgram.transfer({ fromPubkey: relayer.publicKey, toPubkey: thread, lamports: 3n * SOL })],
      [relayer],
    );
    expect(divest(thread, [c]).paid).toEqual([SOL]);
    expect(divest(thread, [a, b]).paid).toEqual([6n * SOL, 6n * SOL]);
    // The approval's 1-lamport remainder was folded for two: half a lamport each rounds down and stays.
    expect(chain.balance(thread)).toBe(chain.rent(THREAD_ACCOUNT_SIZE) + 1n);
    const t = chain.thread(thread);
    expect(t.coAuthorEntitlement).toEqual([6n * SOL, 6n * SOL, SOL]);
    expect(t.coAuthorWithdrawn).toEqual([6n * SOL, 6n * SOL, SOL]);
  });

  it('rounding remainders stay in the thread, owed to nobody', () => {
    const [a, b, c] = [chain.newFunded(), chain.newFunded(), chain.newFunded()];
    const thread = createThreadFor(chain, [a, b, c]);
    chain.ok([SystemProgram.transfer({ fromPubkey: relayer.publicKey, toPubkey: thread, lamports: 10n })], [relayer]);
    expect(divest(thread, [a, b, c]).paid).toEqual([3n, 3n, 3n]);
    for (const k of [a, b, c]) expect(divest(thread, [k]).error).toBe(ProgramError.NothingToDivest);
    expect(chain.balance(thread)).toBe(chain.rent(THREAD_ACCOUNT_SIZE) + 1n);
    // The remainder is not folded again: two more lamports make 2 / 3 = 0 each, the three lamports left 0 too.
    chain.ok([SystemProgram.transfer({ fromPubkey: relayer.publicKey, toPubkey: thread, lamports: 2n })], [relayer]);
    expect(divest(thread, [a]).error).toBe(ProgramError.NothingToDivest);
  });
});
