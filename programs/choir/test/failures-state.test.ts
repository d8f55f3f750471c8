// Failure paths of the thread/spec life cycle: stakes, votes, expiry, capacity, duplicates, divest.
import { Keypair } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  createThreadInstruction,
  divestInstruction,
  expireSpecInstruction,
  ProgramError,
  submitMessageInstruction,
  submitSpecInstruction,
  voteInstruction,
} from '../client/index.js';
import { Chain, createThreadFor, randomId, SOL } from './harness.js';

describe('choir program: life-cycle failures', () => {
  let chain: Chain;
  let alice: Keypair;
  let bob: Keypair;
  let carol: Keypair;
  beforeAll(() => {
    chain = new Chain();
    [alice, bob, carol] = [chain.newFunded(100n * SOL), chain.newFunded(), chain.newFunded(100n * SOL)];
  });

  const spec = (thread: ReturnType<typeof createThreadFor>, text: string, stake = 0n, author = carol) => {
    const hash = contentHash(text);
    chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: hash, stake })], [author]);
    return hash;
  };
  const vote = (
    voter: Keypair,
    thread: ReturnType<typeof createThreadFor>,
    hash: Uint8Array,
    approve: boolean,
    payees?: Keypair[],
  ) =>
    voteInstruction({
      voter: voter.publicKey,
      thread,
      contentHash: hash,
      approve,
      payees: payees?.map((k) => k.publicKey),
    });

  it('rejects a stake below the minimum and a stake the author cannot pay', () => {
    const thread = createThreadFor(chain, [alice, bob], { minStake: SOL });
    const ix = submitSpecInstruction({
      author: carol.publicKey,
      thread,
      contentHash: contentHash('cheap'),
      stake: SOL - 1n,
    });
    expect(chain.fail([ix], [carol])).toBe(ProgramError.StakeBelowMinimum);
    const poor = chain.newFunded(SOL / 100n);
    const rich = submitSpecInstruction({
      author: poor.publicKey,
      thread,
      contentHash: contentHash('too rich'),
      stake: SOL,
    });
    expect(chain.fail([rich], [poor])).toBe(ProgramError.InsufficientFunds);
  });

  it('rejects a double vote, in either direction', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const hash = spec(thread, 'double vote');
    chain.ok([vote(alice, thread, hash, true)], [alice]);
    expect(chain.fail([vote(alice, thread, hash, true)], [alice])).toBe(ProgramError.AlreadyVoted);
    expect(chain.fail([vote(alice, thread, hash, false)], [alice])).toBe(ProgramError.AlreadyVoted);
  });

  it('rejects votes after expiry and expiry before it', () => {
    const thread = createThreadFor(chain, [alice, bob], { specLifetime: 100n });
    const hash = spec(thread, 'expiry');
    expect(chain.fail([expireSpecInstruction({ thread, contentHash: hash })], [bob])).toBe(ProgramError.SpecNotExpired);
    chain.advance(99n);
    expect(chain.fail([expireSpecInstruction({ thread, contentHash: hash })], [bob])).toBe(ProgramError.SpecNotExpired);
    chain.advance(1n);
    expect(chain.fail([vote(alice, thread, hash, true)], [alice])).toBe(ProgramError.SpecExpired);
    chain.ok([expireSpecInstruction({ thread, contentHash: hash })], [bob]);
    expect(chain.fail([expireSpecInstruction({ thread, contentHash: hash })], [bob])).toBe(ProgramError.SpecNotPending);
  });

  it('rejects votes on settled specs and on plain messages', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const hash = spec(thread, 'settled');
    chain.ok([vote(bob, thread, hash, false)], [bob]);
    expect(chain.fail([vote(alice, thread, hash, true)], [alice])).toBe(ProgramError.SpecNotPending);
    const msg = contentHash('plain message');
    chain.ok(
      [submitMessageInstruction({ payer: alice.publicKey, author: alice.publicKey, thread, contentHash: msg })],
      [alice],
    );
    expect(chain.fail([vote(bob, thread, msg, true)], [bob])).toBe(ProgramError.NotASpec);
    expect(chain.fail([expireSpecInstruction({ thread, contentHash: msg })], [bob])).toBe(ProgramError.NotASpec);
  });

  it('requires every co-author as a payee on the approving vote', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const hash = spec(thread, 'payees', SOL);
    chain.ok([vote(alice, thread, hash, true)], [alice]);
    expect(chain.fail([vote(bob, thread, hash, true)], [bob])).toBe(ProgramError.MissingCoAuthorAccounts);
    expect(chain.fail([vote(bob, thread, hash, true, [bob, alice])], [bob])).toBe(ProgramError.MissingCoAuthorAccounts);
    chain.ok([vote(bob, thread, hash, true, [alice, bob])], [bob]);
  });

  it('rejects a duplicate content hash in the same thread, not in another thread', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const hash = contentHash('same words');
    const publish = (t: typeof thread) =>
      submitMessageInstruction({ payer: alice.publicKey, author: alice.publicKey, thread: t, contentHash: hash });
    chain.ok([publish(thread)], [alice]);
    expect(chain.fail([publish(thread)], [alice])).toBe(ProgramError.DuplicateContentHash);
    const asSpec = submitSpecInstruction({ author: carol.publicKey, thread, contentHash: hash, stake: 0n });
    expect(chain.fail([asSpec], [carol])).toBe(ProgramError.DuplicateContentHash);
    chain.ok([publish(createThreadFor(chain, [alice]))], [alice]);
  });

  it('a full thread takes no spec, and an approval that would make 11 co-authors fails', () => {
    const nine = [alice, ...Array.from({ length: 8 }, () => Keypair.generate())];
    const ten = [...nine, Keypair.generate()];
    for (const k of ten.slice(1)) chain.fund(k, SOL);
    const full = createThreadFor(chain, ten);
    const ix = submitSpecInstruction({
      author: carol.publicKey,
      thread: full,
      contentHash: contentHash('no room'),
      stake: 0n,
    });
    expect(chain.fail([ix], [carol])).toBe(ProgramError.ThreadFull);

    const thread = createThreadFor(chain, nine);
    const dave = chain.newFunded();
    const first = spec(thread, 'first of two', 0n, carol);
    const second = spec(thread, 'second of two', 0n, dave);
    for (const k of nine) chain.ok([vote(k, thread, first, true, nine)], [k]);
    expect(chain.thread(thread).coAuthors).toHaveLength(10);
    for (const k of nine) chain.ok([vote(k, thread, second, true, ten)], [k]);
    const lastVoter = Keypair.fromSecretKey(carol.secretKey);
    expect(chain.fail([vote(lastVoter, thread, second, true, [...nine, carol])], [lastVoter])).toBe(
      ProgramError.ThreadFull,
    );
  });

  it('rejects invalid thread parameters', () => {
    const make = (coAuthors: Keypair[], specLifetime = 0n, creator = coAuthors[0] ?? alice) =>
      createThreadInstruction({
        payer: alice.publicKey,
        creator: creator.publicKey,
        threadId: randomId(),
        coAuthors: coAuthors.map((k) => k.publicKey),
        minStake: 0n,
        specLifetime,
      });
    expect(chain.fail([make([bob, alice], 0n, alice)], [alice])).toBe(ProgramError.CreatorNotFirstCoAuthor);
    expect(chain.fail([make([alice, bob, alice])], [alice])).toBe(ProgramError.DuplicateCoAuthor);
    expect(chain.fail([make([alice], -1n)], [alice])).toBe(ProgramError.InvalidSpecLifetime);
    expect(chain.fail([make([alice], 3_155_760_001n)], [alice])).toBe(ProgramError.InvalidSpecLifetime);
    const existing = randomId();
    const again = createThreadInstruction({
      payer: alice.publicKey,
      creator: alice.publicKey,
      threadId: existing,
      coAuthors: [alice.publicKey],
      minStake: 0n,
    });
    chain.ok([again], [alice]);
    chain.svm.expireBlockhash();
    expect(chain.fail([again], [alice])).toBe(ProgramError.AccountAlreadyInitialized);
  });

  it('divest fails when there is nothing above rent', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    expect(chain.fail([divestInstruction({ coAuthor: bob.publicKey, thread })], [bob])).toBe(
      ProgramError.NothingToDivest,
    );
    chain.fund(thread, 1n); // 1 lamport for 2 co-authors: a zero share
    expect(chain.fail([divestInstruction({ coAuthor: bob.publicKey, thread })], [bob])).toBe(
      ProgramError.NothingToDivest,
    );
  });
});
