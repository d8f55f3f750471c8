/** A pipeline under test: real Postgres, the devnet and its indexer, a vector store double, a signing client. */
import { sign as edSign, randomBytes } from 'node:crypto';
import { Keypair, type PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import type pg from 'pg';
import {
  contentHash,
  messageCanonicalMessage,
  threadCanonicalMessage,
  voteCanonicalMessage,
} from '../../programs/choir/client/index.js';
import { Relayer } from '../../src/chain/relayer.js';
import { createRpcClient } from '../../src/chain/rpc-client.js';
import type { Devnet } from '../../src/devnet/index.js';
import { HashingEmbedder } from '../../src/embed/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { CreateThreadRequest, SubmitMessageRequest } from '../../src/pipeline/submissions.js';
import type { VectorStore } from '../../src/vector/types.js';
import { FlakyStore } from './flaky-store.js';

export function signWith(key: Keypair, message: Uint8Array): string {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), key.secretKey.subarray(0, 32)]);
  return bs58.encode(edSign(null, message, { key: pkcs8, format: 'der', type: 'pkcs8' }));
}

export function threadRequest(creator: Keypair, others: PublicKey[] = [], title: string | null = null) {
  const threadId = randomBytes(32);
  const coAuthors = [creator.publicKey, ...others];
  const req: CreateThreadRequest = {
    threadId: threadId.toString('hex'),
    coAuthors: coAuthors.map((k) => k.toBase58()),
    minStake: 0n,
    specLifetime: 0n,
    title,
    creator: creator.publicKey.toBase58(),
    signature: signWith(creator, threadCanonicalMessage({ threadId, coAuthors, minStake: 0n, specLifetime: 0n })),
  };
  return req;
}

export function messageRequest(author: Keypair, thread: PublicKey, content: string): SubmitMessageRequest {
  return {
    threadAddress: thread.toBase58(),
    content,
    author: author.publicKey.toBase58(),
    signature: signWith(author, messageCanonicalMessage(thread, contentHash(content))),
  };
}

export function voteSignature(voter: Keypair, message: PublicKey, approve: boolean) {
  return signWith(voter, voteCanonicalMessage(message, approve));
}

/** A fetch that fails `ratio` of calls before they reach the node (connection refused), deterministically. */
export function flakyFetch(ratio: number, seed = 1): typeof fetch & { failures: number; calls: number } {
  let state = seed;
  const f = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    f.calls += 1;
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    if (state / 2_147_483_648 < ratio) {
      f.failures += 1;
      throw new TypeError('fetch failed (injected)');
    }
    return fetch(input, init);
  }) as typeof fetch & { failures: number; calls: number };
  f.failures = 0;
  f.calls = 0;
  return f;
}

export async function fundedRelayer(devnet: Devnet, fetchImpl?: typeof fetch) {
  const relayer = new Relayer({
    rpc: createRpcClient(devnet.rpcUrl, fetchImpl ? { fetch: fetchImpl } : {}),
    keypair: Keypair.generate(),
    logger: silentLogger,
    attempts: 30,
    baseDelayMs: 5,
    maxDelayMs: 50,
    pollMs: 20,
  });
  for (;;) {
    try {
      await relayer.airdropIfBelow(1n, 1_000_000_000_000n);
      return relayer;
    } catch {
      // the flaky fetch may eat the airdrop's calls
    }
  }
}

export const embedder = new HashingEmbedder(64);
export const newStore = () => new FlakyStore();
export type TestStore = FlakyStore & VectorStore;

export async function statusCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM messages GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
