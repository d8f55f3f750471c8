// Compute units of every Choir program instruction, measured in LiteSVM (the real SVM) with the committed
// choir.so deployed through BPF Loader Upgradeable. `npm run bench -- program-cu [--runs N] [--elf path.so]`.
// Prints one readable line per case, then `RESULT {json}` as the last line.
// Goals: every instruction under 30,000 CU; relayed submit_message under 15,000 CU, both judged on the MAX observed.
// Figures are the program's own units ("Program <id> consumed N"); the Ed25519 precompile is not metered in CU.
//
// Instructions that create a PDA search for its canonical bump: one more try for each bump below 255, and the bump
// is 255 - k with probability 2^-(k+1). Those run --runs times (default 2,000) over fresh seeds (sha256 of a label,
// so the addresses, bumps and figures are the same on every run) and report base (bump 255), median, p99 and max,
// the lowest bump met and the cost of one extra try. --elf measures another build (e.g. the previous choir.so).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
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
} from '../programs/choir/client/index.js';
import {
  Chain,
  createThreadFor,
  relayedCreateThread,
  relayedSubmitMessage,
  relayedVote,
  SOL,
} from '../programs/choir/test/harness.js';

const INSTRUCTION_GOAL = 30_000;
const RELAYED_SUBMIT_MESSAGE_GOAL = 15_000;

const { values: cli } = parseArgs({ options: { runs: { type: 'string', default: '2000' }, elf: { type: 'string' } } });
const RUNS = Number(cli.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, got ${cli.runs}`);

interface Figure {
  runs: number;
  /** Cost when the first bump tried (255) is the canonical one (the largest such sample). */
  baseCu: number;
  medianCu: number;
  p99Cu: number;
  /** Largest observed: what the goals are judged on. */
  maxCu: number;
  /** PDA-creating instructions: the lowest canonical bump met and the cost of each try below 255. */
  minBump?: number;
  extraTryCu?: number;
}
type Case = { ixs: TransactionInstruction[]; signers: Keypair[]; bump?: number };

const chain = new Chain(cli.elf ? { elf: readFileSync(cli.elf) } : {});
const relayer = chain.newFunded(100_000n * SOL);
const figures: Record<string, Figure> = {};
const seeded = (label: string) => contentHash(`program-cu ${label}`);

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

function measure(name: string, build: (run: number) => Case, runs = 1): Figure {
  const samples = Array.from({ length: runs }, (_, run) => {
    const c = build(run);
    return { cu: chain.units(c.ixs, c.signers), bump: c.bump ?? 255 };
  });
  const cus = samples.map((s) => s.cu).sort((x, y) => x - y);
  const atFirstTry = samples.filter((s) => s.bump === 255).map((s) => s.cu);
  const baseCu = atFirstTry.length ? Math.max(...atFirstTry) : cus[0]!;
  const figure: Figure = {
    runs,
    baseCu,
    medianCu: percentile(cus, 0.5),
    p99Cu: percentile(cus, 0.99),
    maxCu: cus[cus.length - 1]!,
  };
  if (samples.some((s) => s.bump < 255)) {
    figure.minBump = Math.min(...samples.map((s) => s.bump));
    figure.extraTryCu = Math.max(
      ...samples.filter((s) => s.bump < 255).map((s) => Math.round((s.cu - baseCu) / (255 - s.bump))),
    );
  }
  figures[name] = figure;
  const f = figure;
  const spread =
    runs > 1
      ? `  base ${f.baseCu}, median ${f.medianCu}, p99 ${f.p99Cu}, max of ${runs}` +
        (f.extraTryCu === undefined ? '' : `; +${f.extraTryCu}/try below bump 255, lowest bump ${f.minBump}`)
      : '';
  console.log(`${name.padEnd(40)} ${String(f.maxCu).padStart(6)} CU${spread}`);
  return figure;
}

const people = Array.from({ length: 10 }, () => chain.newFunded(100n * SOL));
const [alice, bob] = people as [Keypair, Keypair];
/** A thread of alice and bob, created and paid for by alice (she signs). */
const aliceCreatesThread = (threadId: Uint8Array) =>
  createThreadInstruction({
    payer: alice.publicKey,
    creator: alice.publicKey,
    threadId,
    coAuthors: [alice.publicKey, bob.publicKey],
    minStake: 0n,
  });

measure(
  'create_thread (2 co-authors, signed)',
  (run) => {
    const threadId = seeded(`signed thread ${run}`);
    return { ixs: [aliceCreatesThread(threadId)], signers: [alice], bump: findThreadAddress(threadId)[1] };
  },
  RUNS,
);
measure(
  'create_thread (10 co-authors, relayed)',
  (run) => {
    const threadId = seeded(`relayed thread ${run}`);
    const coAuthors = people.map((p) => p.publicKey);
    return {
      ixs: relayedCreateThread(relayer.publicKey, alice, { threadId, coAuthors, minStake: 0n }),
      signers: [relayer],
      bump: findThreadAddress(threadId)[1],
    };
  },
  RUNS,
);

// Someone sent lamports to the address first: the program tops up, allocates and assigns (three System CPIs)
// instead of CreateAccount. Rare by construction, so a tenth of the runs.
const prefund = (address: PublicKey) =>
  chain.ok(
    [SystemProgram.transfer({ fromPubkey: relayer.publicKey, toPubkey: address, lamports: chain.rent(0) })],
    [relayer],
  );
measure(
  'create_thread (pre-funded address)',
  (run) => {
    const threadId = seeded(`pre-funded thread ${run}`);
    const [address, bump] = findThreadAddress(threadId);
    prefund(address);
    return { ixs: [aliceCreatesThread(threadId)], signers: [alice], bump };
  },
  Math.max(1, Math.round(RUNS / 10)),
);

const thread = createThreadFor(chain, [alice, bob], { specLifetime: 100n, threadId: seeded('main thread') });
const messageBump = (h: Uint8Array) => findMessageAddress(thread, h)[1];
measure(
  'submit_message (signed)',
  (run) => {
    const h = seeded(`signed message ${run}`);
    const ix = submitMessageInstruction({ payer: alice.publicKey, author: alice.publicKey, thread, contentHash: h });
    return { ixs: [ix], signers: [alice], bump: messageBump(h) };
  },
  RUNS,
);
const relayedSubmit = measure(
  'submit_message (relayed)',
  (run) => {
    const h = seeded(`relayed message ${run}`);
    return { ixs: relayedSubmitMessage(relayer.publicKey, bob, thread, h), signers: [relayer], bump: messageBump(h) };
  },
  RUNS,
);
measure(
  'submit_message (relayed, pre-funded address)',
  (run) => {
    const h = seeded(`pre-funded message ${run}`);
    const [address, bump] = findMessageAddress(thread, h);
    prefund(address);
    return { ixs: relayedSubmitMessage(relayer.publicKey, bob, thread, h), signers: [relayer], bump };
  },
  Math.max(1, Math.round(RUNS / 10)),
);
measure(
  'submit_spec',
  (run) => {
    const author = chain.newFunded(10n * SOL); // a fresh outsider: approved authors become co-authors
    const h = seeded(`spec ${run}`);
    const ix = submitSpecInstruction({ author: author.publicKey, thread, contentHash: h, stake: SOL });
    return { ixs: [ix], signers: [author], bump: messageBump(h) };
  },
  RUNS,
);

const spec = (label: string): Uint8Array => {
  const h = seeded(label);
  const author = chain.newFunded(100n * SOL);
  chain.ok([submitSpecInstruction({ author: author.publicKey, thread, contentHash: h, stake: SOL })], [author]);
  return h;
};
const approved = spec('approved');
measure('vote (approve, not final)', () => ({
  ixs: [voteInstruction({ voter: alice.publicKey, thread, contentHash: approved, approve: true })],
  signers: [alice],
}));
measure('vote (final approval, relayed, 2 payees)', () => ({
  ixs: relayedVote(bob, { thread, contentHash: approved, approve: true, payees: [alice.publicKey, bob.publicKey] }),
  signers: [relayer],
}));
const rejected = spec('rejected');
measure('vote (deny)', () => ({
  ixs: [voteInstruction({ voter: alice.publicKey, thread, contentHash: rejected, approve: false })],
  signers: [alice],
}));
const expiring = spec('expiring');
chain.advance(100n);
measure('expire_spec', () => ({ ixs: [expireSpecInstruction({ thread, contentHash: expiring })], signers: [relayer] }));
measure('divest', () => ({ ixs: [divestInstruction({ coAuthor: bob.publicKey, thread })], signers: [bob] }));

// The most expensive approval: nine co-authors, each paid.
{
  const nine = people.slice(0, 9);
  const big = createThreadFor(chain, nine, { threadId: seeded('nine co-authors') });
  const h = seeded('big approval');
  const author = chain.newFunded(100n * SOL);
  chain.ok([submitSpecInstruction({ author: author.publicKey, thread: big, contentHash: h, stake: SOL })], [author]);
  for (const k of nine.slice(0, 8)) {
    chain.ok([voteInstruction({ voter: k.publicKey, thread: big, contentHash: h, approve: true })], [k]);
  }
  const last = nine[8]!;
  const payees = nine.map((k) => k.publicKey);
  measure('vote (final approval, 9 payees)', () => ({
    ixs: [voteInstruction({ voter: last.publicKey, thread: big, contentHash: h, approve: true, payees })],
    signers: [last],
  }));
}

// Beyond the sample: with `extraTryCu` per bump below 255, the relayed submit_message reaches its goal only after
// `triesToGoal` extra tries, i.e. for a content hash whose canonical bump is 255 - triesToGoal or lower, which
// happens for 1 hash in 2^triesToGoal.
const extraTryCu = relayedSubmit.extraTryCu ?? 0;
const triesToGoal = extraTryCu > 0 ? Math.ceil((RELAYED_SUBMIT_MESSAGE_GOAL - relayedSubmit.baseCu) / extraTryCu) : 255;
const worst = Math.max(...Object.values(figures).map((f) => f.maxCu));
const instructionGoalMet = worst < INSTRUCTION_GOAL;
const relayedGoalMet = relayedSubmit.maxCu < RELAYED_SUBMIT_MESSAGE_GOAL;
console.log(
  `every instruction, max observed: ${worst} CU (goal < ${INSTRUCTION_GOAL}): ${instructionGoalMet ? 'met' : 'NOT met'}`,
);
console.log(
  `relayed submit_message: base ${relayedSubmit.baseCu}, median ${relayedSubmit.medianCu}, p99 ${relayedSubmit.p99Cu}, ` +
    `max ${relayedSubmit.maxCu} CU over ${relayedSubmit.runs} content hashes (goal < ${RELAYED_SUBMIT_MESSAGE_GOAL}): ` +
    `${relayedGoalMet ? 'met' : 'NOT met'} by the max; ${triesToGoal} extra bump tries would reach the goal ` +
    `(canonical bump <= ${255 - triesToGoal}: 1 content hash in 2^${triesToGoal})`,
);
console.log(
  `RESULT ${JSON.stringify({
    benchmark: 'program-cu',
    unit: 'compute units consumed by the program',
    elf: cli.elf ?? 'programs/choir/build/choir.so',
    instructions: figures,
    worstProgramCu: worst,
    relayedSubmitMessage: { ...relayedSubmit, extraTriesToGoal: triesToGoal },
    goals: {
      everyInstructionUnder: { cu: INSTRUCTION_GOAL, met: instructionGoalMet, judgedOn: 'max observed' },
      relayedSubmitMessageUnder: { cu: RELAYED_SUBMIT_MESSAGE_GOAL, met: relayedGoalMet, judgedOn: 'max observed' },
    },
    pass: instructionGoalMet && relayedGoalMet,
  })}`,
);
