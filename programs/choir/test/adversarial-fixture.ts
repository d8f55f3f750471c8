// The adversarial suite's starting points: for each of the six instructions, a fresh case that would succeed as
// built (the suite checks that too), plus which of its accounts are writable, the thread, the message and the PDA
// it creates. Each test then changes one thing and expects the program's error for it.
import { type Keypair, type PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import {
  contentHash,
  createThreadInstruction,
  divestInstruction,
  expireSpecInstruction,
  findMessageAddress,
  findThreadAddress,
  submitMessageInstruction,
  submitSpecInstruction,
  voteInstruction,
} from '../client/index.js';
import { Chain, createThreadFor, randomId, SOL } from './harness.js';

export type InstructionName = 'create_thread' | 'submit_message' | 'submit_spec' | 'vote' | 'expire_spec' | 'divest';

export interface Case {
  ix: TransactionInstruction;
  /** Who must sign besides the relayer (the fee payer of every adversarial transaction). */
  signers: Keypair[];
  /** Account positions the instruction writes. */
  writable: number[];
  /** Positions of the existing Thread / Message accounts, and of the PDA the instruction creates. */
  thread?: number;
  message?: number;
  fresh?: number;
  /** The thread the case acts on (for creation: the one it would create). */
  threadAddress: PublicKey;
}

export const INSTRUCTIONS: readonly InstructionName[] = [
  'create_thread',
  'submit_message',
  'submit_spec',
  'vote',
  'expire_spec',
  'divest',
];

const LIFETIME = 60n;

export class Adversary {
  readonly chain = new Chain();
  readonly relayer = this.chain.newFunded(10_000n * SOL);
  readonly alice = this.chain.newFunded(100n * SOL);
  readonly bob = this.chain.newFunded(100n * SOL);
  readonly outsider = this.chain.newFunded(100n * SOL);
  private n = 0;

  /** Sends with the relayer paying, so no account under test is the (always writable) fee payer. */
  fail(ixs: TransactionInstruction[], signers: Keypair[] = []): number | undefined {
    return this.chain.fail(ixs, [this.relayer, ...signers]);
  }

  ok(ixs: TransactionInstruction[], signers: Keypair[] = []): void {
    this.chain.ok(ixs, [this.relayer, ...signers]);
  }

  newThread(): PublicKey {
    return createThreadFor(this.chain, [this.alice, this.bob], { specLifetime: LIFETIME });
  }

  /** A pending spec by the outsider in `thread`; returns its content hash. */
  spec(thread: PublicKey, stake = SOL): Uint8Array {
    const hash = contentHash(`adversarial spec ${this.n++}`);
    const author = this.outsider;
    this.chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: hash, stake })], [author]);
    return hash;
  }

  /** A spec of `thread` that has expired (not yet marked). */
  expiredSpec(thread: PublicKey): Uint8Array {
    const hash = this.spec(thread);
    this.chain.advance(LIFETIME);
    return hash;
  }

  /** A new, valid case for `name`. */
  case(name: InstructionName): Case {
    const { alice, relayer } = this;
    switch (name) {
      case 'create_thread': {
        const threadId = randomId();
        const ix = createThreadInstruction({
          payer: alice.publicKey,
          creator: alice.publicKey,
          threadId,
          coAuthors: [alice.publicKey, this.bob.publicKey],
          minStake: 0n,
        });
        return { ix, signers: [alice], writable: [0, 2], fresh: 2, threadAddress: findThreadAddress(threadId)[0] };
      }
      case 'submit_message': {
        const thread = this.newThread();
        const hash = contentHash(`adversarial message ${this.n++}`);
        const ix = submitMessageInstruction({
          payer: alice.publicKey,
          author: alice.publicKey,
          thread,
          contentHash: hash,
        });
        return { ix, signers: [alice], writable: [0, 2, 3], thread: 2, fresh: 3, threadAddress: thread };
      }
      case 'submit_spec': {
        const thread = this.newThread();
        const hash = contentHash(`adversarial spec ${this.n++}`);
        const author = this.outsider.publicKey;
        const ix = submitSpecInstruction({ author, thread, contentHash: hash, stake: SOL });
        return { ix, signers: [this.outsider], writable: [0, 1, 2], thread: 1, fresh: 2, threadAddress: thread };
      }
      case 'vote': {
        const thread = this.newThread();
        const hash = this.spec(thread);
        const ix = voteInstruction({ voter: alice.publicKey, thread, contentHash: hash, approve: false });
        return { ix, signers: [alice], writable: [1, 2], thread: 1, message: 2, threadAddress: thread };
      }
      case 'expire_spec': {
        const thread = this.newThread();
        const hash = this.expiredSpec(thread);
        const ix = expireSpecInstruction({ thread, contentHash: hash });
        return { ix, signers: [], writable: [0, 1], thread: 0, message: 1, threadAddress: thread };
      }
      case 'divest': {
        const thread = this.newThread();
        this.chain.ok(
          [SystemProgram.transfer({ fromPubkey: relayer.publicKey, toPubkey: thread, lamports: SOL })],
          [relayer],
        );
        const ix = divestInstruction({ coAuthor: alice.publicKey, thread });
        return { ix, signers: [alice], writable: [0, 1], thread: 1, threadAddress: thread };
      }
    }
  }

  /** An existing Message account (a pending spec) of a new thread: something to pass where it does not belong. */
  someMessage(): PublicKey {
    const thread = this.newThread();
    return findMessageAddress(thread, this.spec(thread))[0];
  }
}
