import { Keypair } from '@solana/web3.js';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CHOIR_PROGRAM_ID,
  contentHash,
  createThreadInstruction,
  DEFAULT_SPEC_LIFETIME_SECONDS,
  divestInstruction,
  expireSpecInstruction,
  findMessageAddress,
  MESSAGE_ACCOUNT_SIZE,
  nextContentRoot,
  submitMessageInstruction,
  submitSpecInstruction,
  THREAD_ACCOUNT_SIZE,
  voteInstruction,
} from '../client/index.js';
import {
  addr,
  Chain,
  randomId,
  relayedCreateThread,
  relayedSubmitMessage,
  relayedVote,
  SOL,
  threadAddress,
} from './harness.js';

describe('choir program success paths (deployed through BPF Loader Upgradeable)', () => {
  let chain: Chain;
  let creator: Keypair;
  let second: Keypair;
  beforeEach(() => {
    chain = new Chain();
    creator = chain.newFunded();
    second = chain.newFunded();
  });

  function createThread(coAuthors = [creator.publicKey, second.publicKey], minStake = SOL / 10n) {
    const threadId = randomId();
    chain.ok(
      [
        createThreadInstruction({
          payer: creator.publicKey,
          creator: creator.publicKey,
          threadId,
          coAuthors,
          minStake,
        }),
      ],
      [creator],
    );
    return threadAddress(threadId);
  }

  it('is deployed through the upgradeable loader at the committed program id', () => {
    const account = chain.svm.getAccount(addr(CHOIR_PROGRAM_ID));
    expect(account.exists).toBe(true);
    expect(account.exists && account.programAddress).toBe('BPFLoaderUpgradeab1e11111111111111111111111');
    expect(account.exists && account.executable).toBe(true);
  });

  it('create_thread stores the thread', () => {
    const threadId = randomId();
    chain.ok(
      [
        createThreadInstruction({
          payer: creator.publicKey,
          creator: creator.publicKey,
          threadId,
          coAuthors: [creator.publicKey, second.publicKey],
          minStake: 123n,
        }),
      ],
      [creator],
    );
    const address = threadAddress(threadId);
    const t = chain.thread(address);
    expect(t.creator).toBe(creator.publicKey.toBase58());
    expect(t.coAuthors).toEqual([creator.publicKey.toBase58(), second.publicKey.toBase58()]);
    expect(t.threadId).toEqual(threadId);
    expect(t.minStake).toBe(123n);
    expect(t.specLifetime).toBe(DEFAULT_SPEC_LIFETIME_SECONDS);
    expect(t.messageCount).toBe(0n);
    expect(t.createdAt).toBe(chain.now());
    expect(chain.balance(address)).toBe(chain.rent(THREAD_ACCOUNT_SIZE));
  });

  it('create_thread with a separate payer and a relayed creator signature', () => {
    const relayer = chain.newFunded();
    const offline = Keypair.generate();
    const threadId = randomId();
    const coAuthors = [offline.publicKey];
    chain.ok(relayedCreateThread(relayer.publicKey, offline, { threadId, coAuthors, minStake: 0n }), [relayer]);
    expect(chain.thread(threadAddress(threadId)).creator).toBe(offline.publicKey.toBase58());
  });

  it('submit_message publishes and extends the content root (signed and relayed)', () => {
    const thread = createThread();
    const h1 = contentHash('hello');
    chain.ok(
      [submitMessageInstruction({ payer: creator.publicKey, author: creator.publicKey, thread, contentHash: h1 })],
      [creator],
    );
    const relayer = chain.newFunded();
    const h2 = contentHash('relayed hello');
    chain.ok(relayedSubmitMessage(relayer.publicKey, second, thread, h2), [relayer]);
    const t = chain.thread(thread);
    expect(t.messageCount).toBe(2n);
    expect(t.contentRoot).toEqual(nextContentRoot(nextContentRoot(new Uint8Array(32), h1), h2));
    const m = chain.message(thread, h2);
    expect(m).toMatchObject({
      status: 'Published',
      messageKind: 'message',
      index: 1n,
      author: second.publicKey.toBase58(),
    });
    expect(chain.balance(findMessageAddress(thread, h2)[0])).toBe(chain.rent(MESSAGE_ACCOUNT_SIZE));
  });

  it('submit_spec escrows the stake; unanimous approval adds the author and pays the approvers', () => {
    const thread = createThread();
    const author = chain.newFunded();
    const h = contentHash('a spec');
    const stake = SOL / 10n + 1n;
    chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: h, stake })], [author]);
    const messageAddress = findMessageAddress(thread, h)[0];
    expect(chain.balance(messageAddress)).toBe(chain.rent(MESSAGE_ACCOUNT_SIZE) + stake);
    const pending = chain.message(thread, h);
    expect(pending).toMatchObject({
      status: 'Pending',
      messageKind: 'spec',
      stake,
      expiresAt: chain.now() + DEFAULT_SPEC_LIFETIME_SECONDS,
    });

    chain.ok([voteInstruction({ voter: creator.publicKey, thread, contentHash: h, approve: true })], [creator]);
    expect(chain.message(thread, h).approvals).toBe(1);
    const before = [creator, second].map((k) => chain.balance(k.publicKey));
    const threadBefore = chain.balance(thread);
    const relayer = chain.newFunded();
    const payees = [creator.publicKey, second.publicKey];
    chain.ok(relayedVote(second, { thread, contentHash: h, approve: true, payees }), [relayer]);

    const share = stake / 2n;
    expect(chain.balance(creator.publicKey)).toBe(before[0]! + share);
    expect(chain.balance(second.publicKey)).toBe(before[1]! + share);
    expect(chain.balance(thread)).toBe(threadBefore + (stake - 2n * share));
    expect(chain.balance(messageAddress)).toBe(chain.rent(MESSAGE_ACCOUNT_SIZE));
    const t = chain.thread(thread);
    expect(t.coAuthors).toContain(author.publicKey.toBase58());
    expect(t.messageCount).toBe(1n);
    expect(t.contentRoot).toEqual(nextContentRoot(new Uint8Array(32), h));
    expect(chain.message(thread, h).status).toBe('Approved');
  });

  it('a denial rejects the spec and the stake goes to the thread', () => {
    const thread = createThread();
    const author = chain.newFunded();
    const h = contentHash('rejected spec');
    chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: h, stake: SOL })], [author]);
    const threadBefore = chain.balance(thread);
    chain.ok([voteInstruction({ voter: second.publicKey, thread, contentHash: h, approve: false })], [second]);
    expect(chain.message(thread, h).status).toBe('Rejected');
    expect(chain.balance(thread)).toBe(threadBefore + SOL);
    expect(chain.thread(thread).coAuthors).toHaveLength(2);
  });

  it('expire_spec after expiry sends the stake to the thread; divest splits the balance', () => {
    const thread = createThread();
    const author = chain.newFunded();
    const h = contentHash('expiring spec');
    chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: h, stake: 2n * SOL })], [author]);
    chain.advance(DEFAULT_SPEC_LIFETIME_SECONDS);
    const anyone = chain.newFunded();
    chain.ok([expireSpecInstruction({ thread, contentHash: h })], [anyone]);
    expect(chain.message(thread, h).status).toBe('Expired');
    expect(chain.balance(thread)).toBe(chain.rent(THREAD_ACCOUNT_SIZE) + 2n * SOL);

    const before = chain.balance(second.publicKey);
    chain.ok([divestInstruction({ coAuthor: second.publicKey, thread })], [second]);
    expect(chain.balance(second.publicKey)).toBe(before + SOL - 5000n);
    expect(chain.balance(thread)).toBe(chain.rent(THREAD_ACCOUNT_SIZE) + SOL);
  });
});
