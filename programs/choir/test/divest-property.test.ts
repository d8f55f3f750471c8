// Property: divest pays each co-author exactly its entitlement (issue 17 §1). Random sequences of specs that are
// approved (the author joins), denied or expire, direct transfers to the thread and divests by random co-authors —
// often many in one transaction — checked against DivestModel after every transaction:
// - nobody ever receives more than the exact share of every lamport that arrived while it was a co-author;
// - every divest pays what the documented fold rule says, to the lamport, or fails with NothingToDivest;
// - withdrawals + the thread's balance above rent = everything the thread received; rent exemption holds;
// - at the end each co-author withdraws all it is owed (up to < 1 lamport of rounding per fold).
// The first test reads balances only, so it runs against any build: CHOIR_TEST_ELF=/tmp/old.so runs it against
// another choir.so (the build before this fix fails it).
import { type Keypair, type PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  divestInstruction,
  expireSpecInstruction,
  isFailure,
  ProgramError,
  parseProgramErrorCode,
  submitSpecInstruction,
  voteInstruction,
} from '../client/index.js';
import { DivestModel, SCALE } from './divest-model.js';
import { Chain, createThreadFor, SOL } from './harness.js';

type Action =
  | { t: 'spec'; stake: bigint; outcome: 'approve' | 'deny' | 'expire'; voter: number }
  | { t: 'transfer'; amount: bigint }
  | { t: 'divest'; who: number[] };

const LIFETIME = 60n;
const OUTSIDERS = 6;
const who = fc.nat({ max: 9 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('spec' as const),
      stake: fc.bigInt({ min: 0n, max: 5n * SOL }),
      outcome: fc.constantFrom('approve' as const, 'deny' as const, 'expire' as const),
      voter: who,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('transfer' as const), amount: fc.bigInt({ min: 1n, max: 3n * SOL }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('divest' as const),
      // One co-author repeated up to 30 times (the drain), distinct co-authors, or a mix, in one transaction.
      who: fc.oneof(
        fc.tuple(who, fc.integer({ min: 2, max: 30 })).map(([i, k]) => Array<number>(k).fill(i)),
        fc.uniqueArray(who, { minLength: 1, maxLength: 10 }),
        fc.array(who, { minLength: 1, maxLength: 12 }),
      ),
    }),
  },
);
const scenario = fc.record({
  initial: fc.integer({ min: 1, max: 3 }),
  actions: fc.array(action, { minLength: 4, maxLength: 20 }),
});

const seen = new Map<string, number>();
const note = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);

class Run {
  readonly coAuthors: Keypair[];
  readonly outsiders: Keypair[];
  readonly thread: PublicKey;
  readonly model: DivestModel;
  /** Lamports each co-author received from divests so far, measured on chain. */
  readonly paid: bigint[];
  private specs = 0;

  constructor(
    private readonly chain: Chain,
    private readonly relayer: Keypair,
    initial: number,
    private readonly checkAccount: boolean,
  ) {
    this.coAuthors = Array.from({ length: initial }, () => chain.newFunded());
    this.outsiders = Array.from({ length: OUTSIDERS }, () => chain.newFunded(200n * SOL));
    this.thread = createThreadFor(chain, this.coAuthors, { specLifetime: LIFETIME });
    this.model = new DivestModel(initial, this.rent());
    this.paid = this.coAuthors.map(() => 0n);
  }

  private rent(): bigint {
    return this.chain.rent(this.chain.data(this.thread)?.length ?? 0);
  }

  private send(ixs: TransactionInstruction[], signers: Keypair[]) {
    return this.chain.send(ixs, [this.relayer, ...signers]);
  }

  apply(a: Action): void {
    if (a.t === 'transfer') {
      const ix = SystemProgram.transfer({
        fromPubkey: this.relayer.publicKey,
        toPubkey: this.thread,
        lamports: a.amount,
      });
      this.chain.ok([ix], [this.relayer]);
      this.model.receive(a.amount);
      note('transfer');
    } else if (a.t === 'spec') this.spec(a);
    else this.divest(a.who);
    this.check();
  }

  private spec(a: Extract<Action, { t: 'spec' }>): void {
    const author = this.outsiders.find((o) => !this.coAuthors.includes(o));
    if (!author) return;
    const hash = contentHash(`${this.thread.toBase58()} spec ${this.specs++}`);
    const thread = this.thread;
    this.chain.ok(
      [submitSpecInstruction({ author: author.publicKey, thread, contentHash: hash, stake: a.stake })],
      [author],
    );
    const n = BigInt(this.coAuthors.length);
    if (a.outcome === 'deny') {
      const voter = this.coAuthors[a.voter % this.coAuthors.length] as Keypair;
      this.chain.ok(
        [voteInstruction({ voter: voter.publicKey, thread, contentHash: hash, approve: false })],
        [this.relayer, voter],
      );
      this.model.receive(a.stake);
    } else if (a.outcome === 'expire') {
      this.chain.advance(LIFETIME);
      this.chain.ok([expireSpecInstruction({ thread, contentHash: hash })], [this.relayer]);
      this.model.receive(a.stake);
    } else {
      const payees = this.coAuthors.map((k) => k.publicKey);
      for (const [i, voter] of this.coAuthors.entries()) {
        const last = i === this.coAuthors.length - 1;
        const ix = voteInstruction({
          voter: voter.publicKey,
          thread,
          contentHash: hash,
          approve: true,
          payees: last ? payees : undefined,
        });
        this.chain.ok([ix], [this.relayer, voter]);
      }
      // Each approver gets stake / n directly; the remainder is the thread's, owed to the co-authors before the join.
      this.model.receive(a.stake - n * (a.stake / n));
      this.model.fold();
      this.model.join();
      this.coAuthors.push(author);
      this.paid.push(0n);
    }
    note(a.outcome);
  }

  private divest(indexes: number[]): void {
    const who = indexes.map((i) => i % this.coAuthors.length);
    const signers = [...new Set(who)].map((i) => this.coAuthors[i] as Keypair);
    const ixs = who.map((i) =>
      divestInstruction({ coAuthor: (this.coAuthors[i] as Keypair).publicKey, thread: this.thread }),
    );
    const before = this.coAuthors.map((k) => this.chain.balance(k.publicKey));
    const result = this.send(ixs, signers);
    const received = this.coAuthors.map((k, i) => this.chain.balance(k.publicKey) - (before[i] as bigint));
    for (const [i, r] of received.entries()) this.paid[i] = (this.paid[i] as bigint) + r;
    // Safety first (any build): nobody has received more than the exact share of what arrived while it was there.
    for (const [i, total] of this.paid.entries()) {
      expect(total * SCALE, `co-author ${i} took more than its entitlement`).toBeLessThanOrEqual(
        this.model.exact[i] as bigint,
      );
    }

    const next = this.model.clone();
    const expected = this.coAuthors.map(() => 0n);
    let refused = false;
    for (const i of who) {
      const pay = next.divest(i);
      if (pay === undefined) {
        refused = true;
        break;
      }
      expected[i] = (expected[i] as bigint) + pay;
    }
    if (refused) {
      expect(isFailure(result), 'a divest with nothing owed must fail').toBe(true);
      expect(parseProgramErrorCode(result), result.toString()).toBe(ProgramError.NothingToDivest);
      expect(received.every((r) => r === 0n)).toBe(true);
      note(who.length > 1 ? 'refused many' : 'refused one');
      return;
    }
    expect(isFailure(result) ? result.toString() : 'ok').toBe('ok');
    expect(received).toEqual(expected);
    Object.assign(this.model, next);
    note(who.length > 1 ? 'paid many' : 'paid one');
  }

  /** After every transaction: conservation, rent exemption and (second test) the thread's stored accounting. */
  check(): void {
    const lamports = this.chain.balance(this.thread);
    const rent = this.rent();
    expect(lamports).toBeGreaterThanOrEqual(rent);
    const withdrawn = this.paid.reduce((a, b) => a + b, 0n);
    expect(withdrawn + (lamports - rent), 'withdrawals + balance above rent = everything received').toBe(
      this.model.received,
    );
    if (!this.checkAccount) return;
    const t = this.chain.thread(this.thread);
    expect(t.incomePerCoAuthor).toBe(this.model.level);
    expect(t.accountedLamports).toBe(this.model.accounted);
    expect(lamports - t.accountedLamports).toBe(this.model.unfolded);
    expect(t.coAuthorWithdrawn).toEqual(this.model.withdrawn);
    expect(t.coAuthorIncomeAtJoin).toEqual(this.model.joined);
    expect(t.coAuthorEntitlement).toEqual(this.model.joined.map((j) => this.model.level - j));
  }

  /** Everyone withdraws what is left: afterwards each has all of its entitlement but the rounding of its folds. */
  drain(): void {
    for (let i = 0; i < this.coAuthors.length; i++) {
      this.divest([i]);
      this.check();
    }
    for (const [i, total] of this.paid.entries()) {
      const left = (this.model.exact[i] as bigint) - total * SCALE;
      expect(left, `co-author ${i} could not withdraw its entitlement`).toBeGreaterThanOrEqual(0n);
      // < 1 lamport per fold, plus its share of income a refused divest left unfolded (< 1 lamport: refused means
      // unfolded < co-author count).
      expect(left).toBeLessThan(BigInt((this.model.folds[i] as number) + 1) * SCALE);
      expect(this.model.owed(i)).toBe(0n);
    }
  }
}

describe('choir program: divest pays each co-author its entitlement, once', () => {
  let chain: Chain;
  let relayer: Keypair;
  beforeAll(() => {
    chain = new Chain(); // CHOIR_TEST_ELF=<other choir.so> runs it against another build
    relayer = chain.newFunded(50_000n * SOL);
  });
  const seed = Number(process.env.CHOIR_PROPERTY_SEED ?? 20270117);

  it('never pays more than the model, pays all of it, and conserves lamports (balances only)', () => {
    fc.assert(
      fc.property(scenario, ({ initial, actions }) => {
        const run = new Run(chain, relayer, initial, false);
        for (const a of actions) run.apply(a);
        run.drain();
      }),
      { numRuns: 30, seed },
    );
    for (const path of [
      'approve',
      'deny',
      'expire',
      'transfer',
      'paid one',
      'paid many',
      'refused one',
      'refused many',
    ])
      expect(seen.get(path) ?? 0, path).toBeGreaterThan(0);
  });

  it('stores the model accounting in the thread (income per co-author, accounted lamports, joins, withdrawals)', () => {
    fc.assert(
      fc.property(scenario, ({ initial, actions }) => {
        const run = new Run(chain, relayer, initial, true);
        for (const a of actions) run.apply(a);
        run.drain();
      }),
      { numRuns: 10, seed: seed + 1 },
    );
  });
});
