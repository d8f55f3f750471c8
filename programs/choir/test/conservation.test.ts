// Lamport conservation on every settlement: the sum of all balances before = after + the fee charged.
import { Keypair, type TransactionInstruction } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  divestInstruction,
  expireSpecInstruction,
  submitSpecInstruction,
  voteInstruction,
} from '../client/index.js';
import { Chain, createThreadFor, feeOf, SOL } from './harness.js';
import { brokenInvariants, totalLamports } from './invariants.js';

describe('choir program: lamport conservation', () => {
  let chain: Chain;
  let people: Keypair[];
  beforeAll(() => {
    chain = new Chain();
    people = Array.from({ length: 4 }, () => chain.newFunded(50n * SOL));
  });

  function conserved(ixs: TransactionInstruction[], signers: Keypair[]): void {
    const keys = people.map((p) => p.publicKey);
    const before = totalLamports(chain, keys);
    const result = chain.send(ixs, signers);
    expect(result.toString()).not.toMatch(/^FailedTransactionMetadata/);
    expect(totalLamports(chain, keys)).toBe(before - feeOf(result));
    expect(brokenInvariants(chain)).toEqual([]);
  }

  it('holds for escrow, approval payouts with a remainder, rejection, expiry and divest', () => {
    const [a, b, c, d] = people as [Keypair, Keypair, Keypair, Keypair];
    const thread = createThreadFor(chain, [a, b, c], { specLifetime: 60n });
    const approved = contentHash('approved');
    conserved([submitSpecInstruction({ author: d.publicKey, thread, contentHash: approved, stake: SOL + 2n })], [d]);
    const payees = [a, b, c].map((k) => k.publicKey);
    conserved([voteInstruction({ voter: a.publicKey, thread, contentHash: approved, approve: true })], [a]);
    conserved([voteInstruction({ voter: b.publicKey, thread, contentHash: approved, approve: true })], [b]);
    conserved([voteInstruction({ voter: c.publicKey, thread, contentHash: approved, approve: true, payees })], [c]);

    const rejected = contentHash('rejected');
    const e = chain.newFunded();
    people.push(e);
    conserved([submitSpecInstruction({ author: e.publicKey, thread, contentHash: rejected, stake: SOL })], [e]);
    conserved([voteInstruction({ voter: d.publicKey, thread, contentHash: rejected, approve: false })], [d]);

    const expired = contentHash('expired');
    conserved([submitSpecInstruction({ author: e.publicKey, thread, contentHash: expired, stake: 3n * SOL })], [e]);
    chain.advance(60n);
    conserved([expireSpecInstruction({ thread, contentHash: expired })], [e]);

    conserved([divestInstruction({ coAuthor: b.publicKey, thread })], [b]);
    conserved([divestInstruction({ coAuthor: d.publicKey, thread })], [d]);
  });

  it('a payee without an account does not block an approval: its share stays with the thread', () => {
    const [a] = people as [Keypair];
    const ghost = Keypair.generate(); // a co-author key that has never held lamports
    const author = chain.newFunded();
    people.push(author);
    const h = contentHash('ghost');
    const withGhost = createThreadFor(chain, [a, ghost]);
    conserved(
      [submitSpecInstruction({ author: author.publicKey, thread: withGhost, contentHash: h, stake: 1000n })],
      [author],
    );
    conserved([voteInstruction({ voter: a.publicKey, thread: withGhost, contentHash: h, approve: true })], [a]);
    const before = chain.balance(withGhost);
    people.push(ghost);
    const payees = [a.publicKey, ghost.publicKey];
    conserved(
      [voteInstruction({ voter: ghost.publicKey, thread: withGhost, contentHash: h, approve: true, payees })],
      [a, ghost],
    );
    expect(chain.balance(ghost.publicKey)).toBe(0n);
    expect(chain.balance(withGhost)).toBe(before + 500n);
    expect(chain.message(withGhost, h).status).toBe('Approved');
  });
});
