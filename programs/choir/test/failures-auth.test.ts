// Failure paths around who may act: signers, co-authorship and relayed (Ed25519) signatures.
import { Ed25519Program, Keypair, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  createThreadInstruction,
  divestInstruction,
  findMessageAddress,
  messageCanonicalMessage,
  ProgramError,
  relayed,
  signEd25519,
  submitMessageInstruction,
  submitSpecInstruction,
  threadCanonicalMessage,
  voteCanonicalMessage,
  voteInstruction,
} from '../client/index.js';
import {
  Chain,
  createThreadFor,
  randomId,
  relayedCreateThread,
  relayedSubmitMessage,
  SOL,
  withAccount,
  withData,
} from './harness.js';

describe('choir program: signers and relayed signatures', () => {
  let chain: Chain;
  let alice: Keypair;
  let bob: Keypair;
  let mallory: Keypair;
  let relayer: Keypair;
  beforeAll(() => {
    chain = new Chain();
    [alice, bob, mallory, relayer] = [chain.newFunded(), chain.newFunded(), chain.newFunded(), chain.newFunded()];
  });

  const relayedMessage = (thread: ReturnType<typeof createThreadFor>, author: Keypair, text: string) => {
    const hash = contentHash(text);
    const ix = submitMessageInstruction({
      payer: relayer.publicKey,
      author: author.publicKey,
      thread,
      contentHash: hash,
      relayed: true,
    });
    return { hash, ix, msg: messageCanonicalMessage(thread, hash) };
  };

  it('rejects a message from someone who is not a co-author (signed or relayed)', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const signed = submitMessageInstruction({
      payer: mallory.publicKey,
      author: mallory.publicKey,
      thread,
      contentHash: contentHash('x'),
    });
    expect(chain.fail([signed], [mallory])).toBe(ProgramError.NotCoAuthor);
    const byMallory = relayedSubmitMessage(relayer.publicKey, mallory, thread, contentHash('y'));
    expect(chain.fail(byMallory, [relayer])).toBe(ProgramError.NotCoAuthor);
  });

  it('rejects a vote or divest by a non-co-author, and a spec by a co-author', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const hash = contentHash('spec by mallory');
    chain.ok([submitSpecInstruction({ author: mallory.publicKey, thread, contentHash: hash, stake: 0n })], [mallory]);
    expect(
      chain.fail([voteInstruction({ voter: mallory.publicKey, thread, contentHash: hash, approve: true })], [mallory]),
    ).toBe(ProgramError.NotCoAuthor);
    expect(chain.fail([divestInstruction({ coAuthor: mallory.publicKey, thread })], [mallory])).toBe(
      ProgramError.NotCoAuthor,
    );
    expect(
      chain.fail(
        [submitSpecInstruction({ author: bob.publicKey, thread, contentHash: contentHash('b'), stake: 0n })],
        [bob],
      ),
    ).toBe(ProgramError.CoAuthorCannotSubmitSpec);
  });

  it('requires the spec author, the divester and the payer to sign', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const spec = submitSpecInstruction({
      author: mallory.publicKey,
      thread,
      contentHash: contentHash('unsigned'),
      stake: 0n,
    });
    expect(chain.fail([withAccount(spec, 0, { isSigner: false })], [relayer])).toBe(
      ProgramError.MissingRequiredSignature,
    );
    const divest = divestInstruction({ coAuthor: bob.publicKey, thread });
    expect(chain.fail([withAccount(divest, 0, { isSigner: false })], [relayer])).toBe(
      ProgramError.MissingRequiredSignature,
    );
    const msg = submitMessageInstruction({
      payer: mallory.publicKey,
      author: alice.publicKey,
      thread,
      contentHash: contentHash('p'),
    });
    expect(chain.fail([withAccount(msg, 0, { isSigner: false })], [alice])).toBe(ProgramError.MissingRequiredSignature);
  });

  it('rejects a relayed call without the Ed25519 instruction', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const { ix } = relayedMessage(thread, alice, 'no precompile');
    expect(chain.fail([ix], [relayer])).toBe(ProgramError.MissingEd25519Instruction);
    const threadId = randomId();
    const create = createThreadInstruction({
      payer: relayer.publicKey,
      creator: alice.publicKey,
      threadId,
      coAuthors: [alice.publicKey],
      minStake: 0n,
      relayed: true,
    });
    expect(chain.fail([create], [relayer])).toBe(ProgramError.MissingEd25519Instruction);
  });

  it('rejects an Ed25519 signature by another key (a valid signature, the wrong signer)', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const { ix, msg } = relayedMessage(thread, alice, 'signed by mallory');
    expect(chain.fail(relayed(ix, mallory.publicKey, msg, signEd25519(msg, mallory)), [relayer])).toBe(
      ProgramError.Ed25519SignerMismatch,
    );
  });

  it('rejects an Ed25519 signature over another message', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const { ix } = relayedMessage(thread, alice, 'the real content');
    const other = messageCanonicalMessage(thread, contentHash('other content'));
    expect(chain.fail(relayed(ix, alice.publicKey, other, signEd25519(other, alice)), [relayer])).toBe(
      ProgramError.Ed25519MessageMismatch,
    );
    // A vote signature cannot be replayed with the opposite decision.
    const h = contentHash('spec to vote');
    chain.ok([submitSpecInstruction({ author: mallory.publicKey, thread, contentHash: h, stake: 0n })], [mallory]);
    const vote = voteInstruction({ voter: bob.publicKey, thread, contentHash: h, approve: false, relayed: true });
    const approveMsg = voteCanonicalMessage(findMessageAddress(thread, h)[0], true);
    expect(chain.fail(relayed(vote, bob.publicKey, approveMsg, signEd25519(approveMsg, bob)), [relayer])).toBe(
      ProgramError.Ed25519MessageMismatch,
    );
    // A thread signature binds the co-author list.
    const threadId = randomId();
    const create = createThreadInstruction({
      payer: relayer.publicKey,
      creator: alice.publicKey,
      threadId,
      coAuthors: [alice.publicKey, mallory.publicKey],
      minStake: 0n,
      relayed: true,
    });
    const signedFor = threadCanonicalMessage({ threadId, coAuthors: [alice.publicKey], minStake: 0n });
    expect(chain.fail(relayed(create, alice.publicKey, signedFor, signEd25519(signedFor, alice)), [relayer])).toBe(
      ProgramError.Ed25519MessageMismatch,
    );
  });

  it('rejects an Ed25519 instruction whose data points into another instruction', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const [ed, program] = relayedSubmitMessage(relayer.publicKey, alice, thread, contentHash('indexes')) as [
      TransactionInstruction,
      TransactionInstruction,
    ];
    const data = Buffer.from(ed.data);
    data.writeUInt16LE(0, 2 + 12); // message instruction index 0: the precompile itself, still a valid signature
    expect(chain.fail([withData(ed, data), program], [relayer])).toBe(ProgramError.InvalidEd25519Instruction);
  });

  it('rejects an Ed25519 instruction that is not immediately before the call', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const [ed, program] = relayedSubmitMessage(relayer.publicKey, alice, thread, contentHash('order')) as [
      TransactionInstruction,
      TransactionInstruction,
    ];
    const spacer = SystemProgram.transfer({ fromPubkey: relayer.publicKey, toPubkey: bob.publicKey, lamports: 1 });
    expect(chain.fail([ed, spacer, program], [relayer])).toBe(ProgramError.MissingEd25519Instruction);
    expect(chain.fail([program, ed], [relayer])).toBe(ProgramError.MissingEd25519Instruction);
  });

  it('a forged signature fails in the precompile, before the program runs', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const { ix, msg } = relayedMessage(thread, alice, 'forged');
    const forged = signEd25519(msg, mallory); // right message and claimed key, signature by someone else
    const failure = chain.failure(relayed(ix, alice.publicKey, msg, forged), [relayer]);
    expect(failure).toMatch(/InstructionError\(0, /);
    expect(Ed25519Program.programId.toBase58()).toBe('Ed25519SigVerify111111111111111111111111111');
    expect(chain.data(findMessageAddress(thread, contentHash('forged'))[0])).toBeUndefined();
  });

  it('relayed create_thread and vote succeed with the relayer paying', () => {
    const offline = Keypair.generate();
    const threadId = randomId();
    const coAuthors = [offline.publicKey, bob.publicKey];
    const before = chain.balance(offline.publicKey);
    chain.ok(relayedCreateThread(relayer.publicKey, offline, { threadId, coAuthors, minStake: SOL }), [relayer]);
    expect(chain.balance(offline.publicKey)).toBe(before);
  });
});
