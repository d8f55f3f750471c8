// The chain side of `bench/indexer-ingest`: a devnet in a process of its own (as the devnet or a provider would be:
// otherwise the Geyser server's encoding and the indexer share one event loop and the figures measure both),
// loaded with real Choir transactions — submit_message, PER_TX messages of one thread per transaction, so each
// streams PER_TX + 1 program account updates. `spawnChain` starts it; it prints its endpoints and what it made as
// one JSON line, and makes more on each stdin line.
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PublicKey, Transaction } from '@solana/web3.js';
import {
  createThreadInstruction,
  findThreadAddress,
  submitMessageInstruction,
} from '../../programs/choir/client/index.js';
import { type Devnet, startDevnet } from '../../src/devnet/index.js';
import { Signer } from '../../src/devnet/ledger/signer.js';
import { transferTransaction } from '../../src/devnet/ledger/system-tx.js';
import { decodeTransaction } from '../../src/devnet/ledger/wire.js';
import { silentLogger } from '../../src/observability/logger.js';
import { testSettings } from '../../test/devnet/support.js';
import { spawnJsonLineChild } from './json-line-child.js';

const THREADS = 64;
const TX_PER_SLOT = 250;
const PER_TX = 8;

function send(devnet: Devnet, payer: Signer, ...ixs: ReturnType<typeof submitMessageInstruction>[]) {
  const tx = new Transaction({
    feePayer: new PublicKey(payer.publicKey),
    recentBlockhash: devnet.ledger.chain.latestBlockhash('processed').blockhash,
  }).add(...ixs);
  const message = tx.compileMessage().serialize();
  const wire = Buffer.concat([Uint8Array.of(1), payer.sign(message), message]);
  const out = devnet.ledger.send(decodeTransaction(wire));
  if (!out.landed || out.record.err !== null) throw new Error('transaction failed');
}

async function generate(devnet: Devnet, updates: number, seed = 0) {
  const payer = Signer.generate();
  const fund = transferTransaction(
    devnet.ledger.faucet,
    payer.address,
    10n ** 15n,
    devnet.ledger.chain.latestBlockhash('processed').blockhash,
  );
  devnet.ledger.send(decodeTransaction(fund));
  const me = new PublicKey(payer.publicKey);
  const threads: PublicKey[] = [];
  for (let i = 0; i < THREADS; i++) {
    const threadId = randomBytes(32);
    send(devnet, payer, createThreadInstruction({ payer: me, creator: me, threadId, coAuthors: [me], minStake: 0n }));
    threads.push(findThreadAddress(threadId)[0]);
  }
  devnet.tick();
  // Several messages of one thread per transaction: the thread account is written once per transaction, each
  // message account once, so a transaction streams PER_TX + 1 program account updates.
  let produced = 0;
  let txs = 0;
  for (let n = 0; produced < updates - THREADS; n++) {
    const thread = threads[n % THREADS] as PublicKey;
    const ixs = Array.from({ length: PER_TX }, (_, j) =>
      submitMessageInstruction({
        payer: me,
        author: me,
        thread,
        contentHash: createHash('sha256').update(`bench ${seed} ${n} ${j}`).digest(),
      }),
    );
    send(devnet, payer, ...ixs);
    produced += PER_TX + 1;
    if (++txs % TX_PER_SLOT === 0) devnet.tick();
    if (txs % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  devnet.tick(4);
  return { updates: THREADS + produced, messages: (produced / (PER_TX + 1)) * PER_TX };
}

/**
 * The chain runs in its own process (`--chain`), as the devnet or a provider would: otherwise the Geyser server's
 * encoding and the indexer share one event loop and the figures measure both. The chain process generates the
 * workload, prints its endpoints as one JSON line, and on each stdin line generates that many more updates.
 */
async function chainProcess(updates: number) {
  const devnet = await startDevnet(testSettings({ finalityDepth: 2, subscriberBuffer: 10_000_000 }), silentLogger, {
    inMemory: true,
  });
  const started = performance.now();
  const first = await generate(devnet, updates);
  let messages = first.messages;
  const report = (updates: number) =>
    process.stdout.write(
      `${JSON.stringify({
        geyserUrl: devnet.geyserUrl,
        rpcUrl: devnet.rpcUrl,
        genesisHash: devnet.ledger.genesisHash,
        openSlot: devnet.ledger.chain.slotFor('processed'),
        updates,
        messages,
        threads: THREADS,
        seconds: (performance.now() - started) / 1000,
      })}\n`,
    );
  report(first.updates);
  let round = 1;
  process.stdin.on('data', (chunk) => {
    void (async () => {
      for (const line of String(chunk).trim().split('\n')) {
        const more = await generate(devnet, Number(line), round++);
        messages += more.messages;
        report(more.updates);
      }
    })();
  });
  process.stdin.on('end', () => void devnet.close().then(() => process.exit(0)));
}

export interface ChainInfo {
  geyserUrl: string;
  rpcUrl: string;
  genesisHash: string;
  openSlot: number;
  updates: number;
  /** Message accounts on chain so far (every round). */
  messages: number;
  threads: number;
  seconds: number;
}

export function spawnChain(updates: number) {
  const child = spawnJsonLineChild<ChainInfo>(fileURLToPath(import.meta.url), [String(updates), '--chain']);
  return {
    pid: child.pid,
    ready: child.next(),
    more: (updates: number) => {
      const info = child.next();
      child.send(String(updates));
      return info;
    },
    close: () => child.close(),
  };
}

if (process.argv.includes('--chain')) await chainProcess(Number(process.argv[2]));
