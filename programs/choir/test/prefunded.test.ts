// Creation over a pre-funded address (issue 17 §4): anyone can send lamports to a thread's or message's address
// before it exists. The program tops it up, allocates and assigns it instead of CreateAccount (which refuses an
// address holding lamports), so nobody can block a thread id or a content hash that way.
import { type Keypair, type PublicKey, SystemProgram } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  divestInstruction,
  findMessageAddress,
  findThreadAddress,
  MESSAGE_ACCOUNT_SIZE,
  submitMessageInstruction,
  submitSpecInstruction,
  THREAD_ACCOUNT_SIZE,
} from '../client/index.js';
import { Chain, createThreadFor, randomId, relayedCreateThread, SOL } from './harness.js';

describe('choir program: creating accounts at pre-funded addresses', () => {
  let chain: Chain;
  let alice: Keypair;
  let bob: Keypair;
  let griefer: Keypair;
  beforeAll(() => {
    chain = new Chain();
    [alice, bob, griefer] = [chain.newFunded(), chain.newFunded(), chain.newFunded(100n * SOL)];
  });

  const send = (to: PublicKey, lamports: bigint) =>
    chain.ok([SystemProgram.transfer({ fromPubkey: griefer.publicKey, toPubkey: to, lamports })], [griefer]);

  it('create_thread over a rent-exempt empty account: the payer tops it up to exactly rent', () => {
    const threadId = randomId();
    const address = findThreadAddress(threadId)[0];
    send(address, chain.rent(0)); // the least the runtime lets an empty account hold
    const before = chain.balance(alice.publicKey);
    createThreadFor(chain, [alice, bob], { threadId });
    expect(chain.balance(address)).toBe(chain.rent(THREAD_ACCOUNT_SIZE));
    expect(before - chain.balance(alice.publicKey)).toBe(chain.rent(THREAD_ACCOUNT_SIZE) - chain.rent(0) + 5000n);
    const t = chain.thread(address);
    expect(t.coAuthors).toEqual([alice.publicKey.toBase58(), bob.publicKey.toBase58()]);
    expect(t.accountedLamports).toBe(chain.rent(THREAD_ACCOUNT_SIZE));
  });

  it('create_thread (relayed) over more than rent: nothing to pay, the excess is income of the first co-authors', () => {
    const threadId = randomId();
    const address = findThreadAddress(threadId)[0];
    send(address, chain.rent(THREAD_ACCOUNT_SIZE) + 4n * SOL);
    const relayer = chain.newFunded();
    const before = chain.balance(relayer.publicKey);
    const coAuthors = [alice.publicKey, bob.publicKey];
    chain.ok(relayedCreateThread(relayer.publicKey, alice, { threadId, coAuthors, minStake: 0n }), [relayer]);
    expect(before - chain.balance(relayer.publicKey)).toBe(10_000n); // two signatures' fees, no rent
    const paid = chain.balance(bob.publicKey);
    chain.ok([divestInstruction({ coAuthor: bob.publicKey, thread: address })], [alice, bob]);
    expect(chain.balance(bob.publicKey) - paid).toBe(2n * SOL);
  });

  it('submit_message over a pre-funded message address: the message keeps rent, the excess goes to the thread', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const hash = contentHash('pre-funded message');
    send(findMessageAddress(thread, hash)[0], chain.rent(0));
    chain.ok(
      [submitMessageInstruction({ payer: alice.publicKey, author: alice.publicKey, thread, contentHash: hash })],
      [alice],
    );
    expect(chain.message(thread, hash).status).toBe('Published');
    expect(chain.balance(findMessageAddress(thread, hash)[0])).toBe(chain.rent(MESSAGE_ACCOUNT_SIZE));

    const big = contentHash('generously pre-funded message');
    const threadBefore = chain.balance(thread);
    send(findMessageAddress(thread, big)[0], chain.rent(MESSAGE_ACCOUNT_SIZE) + 1000n);
    chain.ok(
      [submitMessageInstruction({ payer: alice.publicKey, author: alice.publicKey, thread, contentHash: big })],
      [alice],
    );
    expect(chain.balance(findMessageAddress(thread, big)[0])).toBe(chain.rent(MESSAGE_ACCOUNT_SIZE));
    expect(chain.balance(thread)).toBe(threadBefore + 1000n);
  });

  it('submit_spec over a pre-funded address escrows exactly rent + stake', () => {
    const thread = createThreadFor(chain, [alice]);
    const author = chain.newFunded();
    const small = contentHash('spec over a little');
    send(findMessageAddress(thread, small)[0], chain.rent(0));
    chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: small, stake: SOL })], [author]);
    expect(chain.balance(findMessageAddress(thread, small)[0])).toBe(chain.rent(MESSAGE_ACCOUNT_SIZE) + SOL);

    const large = contentHash('spec over a lot');
    const threadBefore = chain.balance(thread);
    send(findMessageAddress(thread, large)[0], 3n * SOL);
    chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: large, stake: SOL })], [author]);
    expect(chain.balance(findMessageAddress(thread, large)[0])).toBe(chain.rent(MESSAGE_ACCOUNT_SIZE) + SOL);
    expect(chain.balance(thread)).toBe(threadBefore + 2n * SOL - chain.rent(MESSAGE_ACCOUNT_SIZE));
    expect(chain.message(thread, large)).toMatchObject({ status: 'Pending', stake: SOL });
  });
});
