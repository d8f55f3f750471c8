/**
 * What the GraphQL fuzz tests stand on: an API with the real submission service (signature checks, co-authorship,
 * idempotency; no chain, so nothing is relayed), seeded threads, and one of each signed action already accepted
 * through the API — a session from a signed challenge, a message, a vote and a thread — whose exact requests the
 * fuzz replays (a replay must change nothing) and forges variants of.
 */
import { Keypair, PublicKey } from '@solana/web3.js';
import type pg from 'pg';
import { expect } from 'vitest';
import {
  CHOIR_PROGRAM_ID,
  contentHash,
  messageCanonicalMessage,
  threadCanonicalMessage,
  voteCanonicalMessage,
} from '../../programs/choir/client/index.js';
import { createSubmissions } from '../../src/pipeline/submission-service.js';
import { gql, hex32, type RunningApi, startApi } from './harness.js';
import { type SeededThread, seedThreads } from './seed.js';
import { walletSign } from './sign.js';

/** One accepted request: its operation and variables, sent again as is by the fuzz. */
export interface Signed {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

export interface FuzzFixture {
  readonly api: RunningApi;
  readonly threads: SeededThread[];
  /** Signs as a co-author of threads[0]. */
  readonly author: Keypair;
  /** The accepted signed requests: sign-in (its challenge now used), message, vote, thread. */
  readonly signed: Signed[];
  /** The session token the sign-in returned. */
  readonly token: string;
}

const SIGN_IN = 'mutation ($k: String!, $s: String!) { signIn(publicKey: $k, signature: $s) { token } }';

export async function startFuzzFixture(
  db: { url: string; pool: pg.Pool },
  env: Record<string, string> = {},
): Promise<FuzzFixture> {
  const api = await startApi(db, {
    env: { API_RATE_LIMIT_IP_PER_MINUTE: '0', API_RATE_LIMIT_PER_MINUTE: '0', ...env },
    services: { submissions: createSubmissions({ pool: db.pool, maxContentBytes: 16_384 }) },
  });
  const threads = await seedThreads(db.pool, 3, { messagesPerThread: 5, votes: true });
  const author = Keypair.generate();
  const me = author.publicKey.toBase58();
  const first = threads[0] as SeededThread;
  await db.pool.query(
    'INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, 3, $2, 10)',
    [first.address, me],
  );
  const accept = async (query: string, variables: Record<string, unknown>) => {
    const res = await gql(api.url, query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data as Record<string, Record<string, unknown>>;
  };

  const challenge = await accept('mutation ($k: String!) { authChallenge(publicKey: $k) { message } }', { k: me });
  const signIn = { k: me, s: walletSign(author, String(challenge.authChallenge?.message)) };
  const token = String((await accept(SIGN_IN, signIn)).signIn?.token);

  const content = 'a message the fuzz replays';
  const thread = new PublicKey(first.address);
  const message = {
    input: {
      threadAddress: first.address,
      content,
      author: me,
      signature: walletSign(author, messageCanonicalMessage(thread, contentHash(content))),
    },
  };
  const submit = 'mutation ($input: SubmitMessageInput!) { submitMessage(input: $input) { address status } }';
  await accept(submit, message);

  const spec = first.messages[4]?.address as string;
  const vote = {
    input: {
      messageAddress: spec,
      voter: me,
      approve: true,
      signature: walletSign(author, voteCanonicalMessage(new PublicKey(spec), true)),
    },
  };
  const voteQuery = 'mutation ($input: VoteInput!) { vote(input: $input) { created } }';
  await accept(voteQuery, vote);

  const threadId = hex32();
  const terms = {
    threadId: Buffer.from(threadId, 'hex'),
    coAuthors: [author.publicKey],
    minStake: 0n,
    specLifetime: 0n,
    programId: CHOIR_PROGRAM_ID,
  };
  const create = {
    input: { threadId, coAuthors: [me], creator: me, signature: walletSign(author, threadCanonicalMessage(terms)) },
  };
  const createQuery = 'mutation ($input: CreateThreadInput!) { createThread(input: $input) { address created } }';
  await accept(createQuery, create);

  const signed: Signed[] = [
    { query: SIGN_IN, variables: signIn },
    { query: submit, variables: message },
    { query: voteQuery, variables: vote },
    { query: createQuery, variables: create },
  ];
  return { api, threads, author, signed, token };
}
