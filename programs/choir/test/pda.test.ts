// The program derives its PDAs itself, sol_sha256 + sol_curve_validate_point per bump (src/accounts.c), instead of
// sol_try_find_program_address. These tests hold that derivation to web3.js's findProgramAddressSync: every
// account it creates must sit at the web3 address and record the web3 (canonical) bump, for hundreds of random
// seeds and for seeds whose canonical bump is far below 255 (found offline); any other bump is refused.
import { type Keypair, PublicKey } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHOIR_PROGRAM_ID,
  contentHash,
  createThreadInstruction,
  findMessageAddress,
  findThreadAddress,
  ProgramError,
  sha256,
  submitMessageInstruction,
  submitSpecInstruction,
} from '../client/index.js';
import {
  addr,
  Chain,
  randomId,
  relayedCreateThread,
  relayedSubmitMessage,
  relayedVote,
  SOL,
  withAccount,
} from './harness.js';

const RANDOM_SEEDS = 320;
const RELAYED_SUBMIT_MESSAGE_GOAL = 15_000;

// Found offline by scanning contentHash(`choir low bump <kind> <i>`) for i < 1,000,000 (message hashes for the
// thread of EQUIVALENCE_THREAD_ID): [i, canonical bump]. About 1 seed in 2^k has a bump of 255 - k or lower, so
// 2^17..2^21 random seeds would be needed to meet these by chance.
const EQUIVALENCE_THREAD_ID = contentHash('choir pda equivalence thread');
const LOW_BUMP_THREAD_IDS: readonly [number, number][] = [
  [314331, 236],
  [153231, 237],
  [563477, 237],
  [658698, 237],
  [43895, 238],
  [250416, 238],
  [338091, 238],
  [372763, 238],
];
/** Published as messages. */
const LOW_BUMP_MESSAGES: readonly [number, number][] = [
  [393233, 234],
  [498651, 236],
  [296534, 237],
  [96118, 238],
  [538402, 238],
  [557209, 238],
  [595293, 238],
  [623307, 238],
];
/** Submitted as specs. */
const LOW_BUMP_SPECS: readonly [number, number][] = [
  [797169, 238],
  [66661, 239],
  [122954, 239],
  [247278, 239],
];
const lowBumpSeed = (kind: 'thread' | 'message', i: number) => contentHash(`choir low bump ${kind} ${i}`);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const PDA_MARKER = Buffer.from('ProgramDerivedAddress');
/** sha256(seeds || bump || program id || marker): the candidate address for one bump, on the curve or not. */
const candidate = (seeds: Uint8Array[], bump: number) =>
  sha256(...seeds, Uint8Array.of(bump), CHOIR_PROGRAM_ID.toBytes(), PDA_MARKER);

describe('choir program: PDA derivation equals web3.js findProgramAddressSync', () => {
  let chain: Chain;
  let alice: Keypair;
  let bob: Keypair;
  let relayer: Keypair;
  let thread: PublicKey;
  beforeAll(() => {
    chain = new Chain();
    [alice, bob, relayer] = [chain.newFunded(1000n * SOL), chain.newFunded(1000n * SOL), chain.newFunded(1000n * SOL)];
    thread = findThreadAddress(EQUIVALENCE_THREAD_ID)[0];
    chain.ok(
      relayedCreateThread(relayer.publicKey, alice, {
        threadId: EQUIVALENCE_THREAD_ID,
        coAuthors: [alice.publicKey, bob.publicKey],
        minStake: 0n,
      }),
      [relayer],
    );
  });

  it('the offline low-bump seeds still have the bumps recorded here (web3.js)', () => {
    for (const [i, bump] of LOW_BUMP_THREAD_IDS) expect(findThreadAddress(lowBumpSeed('thread', i))[1]).toBe(bump);
    for (const [i, bump] of [...LOW_BUMP_MESSAGES, ...LOW_BUMP_SPECS])
      expect(findMessageAddress(thread, lowBumpSeed('message', i))[1]).toBe(bump);
  });

  it(`create_thread: ${RANDOM_SEEDS} random thread ids and the low-bump ones land at the web3 address and bump`, () => {
    const ids = [
      ...Array.from({ length: RANDOM_SEEDS }, randomId),
      ...LOW_BUMP_THREAD_IDS.map(([i]) => lowBumpSeed('thread', i)),
    ];
    const bumps = ids.map((threadId, n) => {
      const [address, bump] = findThreadAddress(threadId);
      const args = { threadId, coAuthors: [alice.publicKey, bob.publicKey], minStake: 0n };
      const res =
        n % 2 === 0
          ? chain.send(relayedCreateThread(relayer.publicKey, alice, args), [relayer])
          : chain.send(
              [createThreadInstruction({ ...args, payer: alice.publicKey, creator: alice.publicKey })],
              [alice],
            );
      expect(res.toString(), `thread id ${hex(threadId)}`).not.toMatch(/^FailedTransactionMetadata/);
      const account = chain.svm.getAccount(addr(address));
      expect(account.exists && account.programAddress).toBe(CHOIR_PROGRAM_ID.toBase58());
      const stored = chain.thread(address);
      expect(stored.bump, `thread id ${hex(threadId)}`).toBe(bump);
      expect(stored.threadId).toEqual(threadId);
      return bump;
    });
    expect(new Set(bumps).size).toBeGreaterThan(5);
    expect(Math.min(...bumps)).toBeLessThanOrEqual(236);
  });

  it(`submit_message: ${RANDOM_SEEDS} random content hashes and the low-bump ones land at the web3 address and bump`, () => {
    const hashes = [
      ...Array.from({ length: RANDOM_SEEDS }, randomId),
      ...LOW_BUMP_MESSAGES.map(([i]) => lowBumpSeed('message', i)),
    ];
    let worstRelayed = 0;
    const bumps = hashes.map((h, n) => {
      const [address, bump] = findMessageAddress(thread, h);
      if (n % 2 === 0) {
        worstRelayed = Math.max(
          worstRelayed,
          chain.units(relayedSubmitMessage(relayer.publicKey, bob, thread, h), [relayer]),
        );
      } else {
        chain.ok(
          [submitMessageInstruction({ payer: alice.publicKey, author: alice.publicKey, thread, contentHash: h })],
          [alice],
        );
      }
      const account = chain.svm.getAccount(addr(address));
      expect(account.exists && account.programAddress).toBe(CHOIR_PROGRAM_ID.toBase58());
      const stored = chain.message(thread, h);
      expect(stored.bump, `content hash ${hex(h)}`).toBe(bump);
      expect(stored.contentHash).toEqual(h);
      return bump;
    });
    expect(chain.thread(thread).messageCount).toBe(BigInt(hashes.length));
    expect(Math.min(...bumps)).toBeLessThanOrEqual(236);
    expect(worstRelayed).toBeLessThan(RELAYED_SUBMIT_MESSAGE_GOAL);
  });

  it('submit_spec at low bumps; the stored bump re-derives the spec (vote), and the canonical bump is unique', () => {
    for (const [i, bump] of LOW_BUMP_SPECS) {
      const h = lowBumpSeed('message', i);
      const author = chain.newFunded();
      chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: h, stake: SOL })], [author]);
      expect(chain.message(thread, h).bump).toBe(bump);
      chain.ok(relayedVote(alice, { thread, contentHash: h, approve: false }), [relayer]);
      expect(chain.message(thread, h).status).toBe('Rejected');
    }
    // A hash already published at its (low) canonical bump cannot be submitted again.
    const published = lowBumpSeed('message', LOW_BUMP_MESSAGES[0]![0]);
    const author = chain.newFunded();
    const again = submitSpecInstruction({ author: author.publicKey, thread, contentHash: published, stake: SOL });
    expect(chain.fail([again], [author])).toBe(ProgramError.DuplicateContentHash);
  });

  // The addresses of other bumps for the same seeds: every bump above a low canonical one hashes to a curve point
  // (never an address); bumps below it that are off the curve are valid PDAs, but not canonical.
  function otherBumps(seeds: Uint8Array[], canonical: number): PublicKey[] {
    const others: PublicKey[] = [];
    if (canonical < 255) {
      const onCurve = candidate(seeds, canonical + 1);
      expect(PublicKey.isOnCurve(onCurve)).toBe(true);
      others.push(new PublicKey(onCurve));
    }
    for (let b = canonical - 1; b >= 1; b--) {
      const address = candidate(seeds, b);
      if (!PublicKey.isOnCurve(address)) {
        const web3 = PublicKey.createProgramAddressSync([...seeds, Uint8Array.of(b)], CHOIR_PROGRAM_ID);
        expect(web3.toBytes()).toEqual(address);
        return [...others, web3];
      }
    }
    throw new Error('no lower bump off the curve');
  }

  it('refuses the address of any other bump (thread and message)', () => {
    const [t, threadBump] = LOW_BUMP_THREAD_IDS[0]!;
    const threadId = lowBumpSeed('thread', t);
    const fresh = randomId(); // a thread id not created yet, with whatever bump
    for (const [id, bump] of [
      [threadId, threadBump],
      [fresh, findThreadAddress(fresh)[1]],
    ] as const) {
      const create = createThreadInstruction({
        payer: alice.publicKey,
        creator: alice.publicKey,
        threadId: id,
        coAuthors: [alice.publicKey],
        minStake: 0n,
      });
      for (const pubkey of otherBumps([Buffer.from('thread'), id], bump))
        expect(chain.fail([withAccount(create, 2, { pubkey })], [alice])).toBe(ProgramError.InvalidPda);
    }
    for (const [h, bump] of [
      [lowBumpSeed('message', LOW_BUMP_MESSAGES[0]![0]), LOW_BUMP_MESSAGES[0]![1]],
      [lowBumpSeed('message', 1_000_001), findMessageAddress(thread, lowBumpSeed('message', 1_000_001))[1]],
    ] as const) {
      const ix = submitMessageInstruction({ payer: alice.publicKey, author: alice.publicKey, thread, contentHash: h });
      for (const pubkey of otherBumps([Buffer.from('message'), thread.toBytes(), h], bump))
        expect(chain.fail([withAccount(ix, 3, { pubkey })], [alice])).toBe(ProgramError.InvalidPda);
    }
  });
});
