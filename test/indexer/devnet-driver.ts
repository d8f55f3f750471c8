/**
 * Drives the real local devnet for indexer tests: starts it in memory on free ports with a manual slot clock, funds
 * a payer and sends real Choir transactions (create thread, submit message, spec, vote, divest).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Keypair, type PublicKey, Transaction, type TransactionInstruction } from '@solana/web3.js';
import { afterAll, beforeAll } from 'vitest';
import {
  createThreadInstruction,
  divestInstruction,
  findMessageAddress,
  findThreadAddress,
  submitMessageInstruction,
  submitSpecInstruction,
  voteInstruction,
} from '../../programs/choir/client/index.js';
import { type Devnet, startDevnet } from '../../src/devnet/index.js';
import { transferTransaction } from '../../src/devnet/ledger/system-tx.js';
import { decodeTransaction } from '../../src/devnet/ledger/wire.js';
import { silentLogger } from '../../src/observability/logger.js';
import { testSettings } from '../devnet/support.js';

export async function startTestDevnet(
  options: { finalityDepth?: number; pingIntervalMs?: number; historySlots?: number } = {},
) {
  const settings = testSettings({
    finalityDepth: options.finalityDepth ?? 2,
    ...(options.historySlots === undefined ? {} : { historySlots: options.historySlots }),
  });
  return startDevnet(settings, silentLogger, { inMemory: true, pingIntervalMs: options.pingIntervalMs ?? 1_000 });
}

/**
 * A devnet and a funded ChainDriver for one describe block: started in beforeAll, closed in afterAll. Read them
 * inside tests (`const { devnet, chain } = env`), not at collection time.
 */
export function useTestChain(options: { fund?: bigint } = {}) {
  let devnet: Devnet | undefined;
  let chain: ChainDriver | undefined;
  beforeAll(async () => {
    devnet = await startTestDevnet();
    chain = new ChainDriver(devnet);
    chain.fund(chain.payer.publicKey, options.fund ?? 1_000_000_000_000n);
    devnet.tick();
  });
  afterAll(async () => {
    await devnet?.close();
  });
  return {
    get devnet(): Devnet {
      if (!devnet) throw new Error('useTestChain: the devnet starts in beforeAll');
      return devnet;
    },
    get chain(): ChainDriver {
      if (!chain) throw new Error('useTestChain: the chain starts in beforeAll');
      return chain;
    },
  };
}

export class ChainDriver {
  readonly payer = Keypair.generate();
  constructor(readonly devnet: Devnet) {}

  private blockhash() {
    return this.devnet.ledger.chain.latestBlockhash('processed').blockhash;
  }

  fund(to: PublicKey, lamports = 10_000_000_000n) {
    const wire = transferTransaction(this.devnet.ledger.faucet, to.toBase58(), lamports, this.blockhash());
    const out = this.devnet.ledger.send(decodeTransaction(wire));
    if (!out.landed) throw new Error('funding failed');
  }

  send(ix: TransactionInstruction, ...signers: Keypair[]) {
    const tx = new Transaction({ feePayer: this.payer.publicKey, recentBlockhash: this.blockhash() }).add(ix);
    tx.sign(this.payer, ...signers);
    const out = this.devnet.ledger.send(decodeTransaction(tx.serialize()));
    if (!out.landed || out.record.err !== null) {
      // The error first (the record's wire bytes would bury it).
      const what = out.landed ? { err: out.record.err, logs: out.record.logs } : out;
      throw new Error(
        `transaction failed: ${JSON.stringify(what, (_, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 800)}`,
      );
    }
    return out;
  }

  createThread(coAuthors: Keypair[] = [this.payer]) {
    const threadId = randomBytes(32);
    this.send(
      createThreadInstruction({
        payer: this.payer.publicKey,
        creator: (coAuthors[0] as Keypair).publicKey,
        threadId,
        coAuthors: coAuthors.map((k) => k.publicKey),
        minStake: 0n,
      }),
      ...[coAuthors[0] as Keypair].filter((k) => k !== this.payer),
    );
    return findThreadAddress(threadId)[0];
  }

  /** Posts `text` in `thread`; returns the message's identity, its record address (base58). */
  submitMessage(thread: PublicKey, text: string, author: Keypair = this.payer) {
    const contentHash = createHash('sha256').update(text).digest();
    this.send(
      submitMessageInstruction({ payer: this.payer.publicKey, author: author.publicKey, thread, contentHash }),
      ...(author === this.payer ? [] : [author]),
    );
    return findMessageAddress(thread, contentHash)[0].toBase58();
  }

  /** Submits `text` as a spec staking `stake` lamports; returns its record address. */
  submitSpec(thread: PublicKey, text: string, author: Keypair, stake = 1_000n) {
    const contentHash = createHash('sha256').update(text).digest();
    this.send(submitSpecInstruction({ author: author.publicKey, thread, contentHash, stake }), author);
    return findMessageAddress(thread, contentHash)[0].toBase58();
  }

  vote(thread: PublicKey, text: string, voter: Keypair, approve: boolean, payees: PublicKey[] = []) {
    const contentHash = createHash('sha256').update(text).digest();
    this.send(
      voteInstruction({ voter: voter.publicKey, thread, contentHash, approve, payees }),
      ...(voter === this.payer ? [] : [voter]),
    );
  }

  divest(thread: PublicKey, coAuthor: Keypair = this.payer) {
    this.send(
      divestInstruction({ coAuthor: coAuthor.publicKey, thread }),
      ...(coAuthor === this.payer ? [] : [coAuthor]),
    );
  }
}
