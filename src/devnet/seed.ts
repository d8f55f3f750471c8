import { randomBytes } from 'node:crypto';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  type PublicKey,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import {
  contentHash,
  createThreadInstruction,
  findMessageAddress,
  findThreadAddress,
  submitMessageInstruction,
  submitSpecInstruction,
  voteInstruction,
} from '../../programs/choir/client/index.js';
import type { Logger } from '../observability/logger.js';

export type SeedCommitment = 'processed' | 'confirmed';

export interface SeedOptions {
  /** JSON-RPC of the chain to seed (a running devnet). */
  readonly rpcUrl: string;
  readonly threads?: number;
  readonly messagesPerThread?: number;
  /** Specs per thread; the first is approved by every co-author, the second rejected, the rest stay pending. */
  readonly specsPerThread?: number;
  /**
   * How far each transaction must get before the next is sent. `processed` (the default) is immediate on the
   * devnet; `confirmed` takes about two slots per transaction.
   */
  readonly commitment?: SeedCommitment;
  readonly logger: Logger;
}

export interface SeededMessage {
  readonly address: string;
  readonly thread: string;
  readonly author: string;
  readonly content: string;
  readonly kind: 'message' | 'spec';
  readonly outcome: 'published' | 'approved' | 'rejected' | 'pending';
}

export interface SeedResult {
  /** Every keypair used, as 64-byte secret keys (base64), so demos can act as these users. */
  readonly keypairs: Record<string, string>;
  readonly threads: string[];
  readonly messages: SeededMessage[];
  readonly signatures: string[];
}

const STAKE = 10_000_000n;

const REACHED: Record<string, number> = { processed: 0, confirmed: 1, finalized: 2 };

/**
 * Polls the signature's status until it reaches `commitment`. Plain polling rather than web3.js's
 * confirmTransaction: no WebSocket to set up, and no confirmation machinery left running once the seed is done.
 */
async function waitFor(
  connection: Connection,
  signature: string,
  commitment: SeedCommitment,
  lastValidBlockHeight: number,
) {
  for (;;) {
    const status = (await connection.getSignatureStatuses([signature])).value[0];
    if (status?.err) throw new Error(`seed transaction ${signature} failed: ${JSON.stringify(status.err)}`);
    if (status && (REACHED[status.confirmationStatus ?? 'processed'] ?? 0) >= REACHED[commitment]!) return;
    if ((await connection.getBlockHeight('processed')) > lastValidBlockHeight) {
      throw new Error(`seed transaction ${signature} expired before it reached ${commitment}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends one transaction and waits for `commitment` (`confirmed` needs the slot clock running). */
async function send(
  connection: Connection,
  commitment: SeedCommitment,
  instructions: TransactionInstruction[],
  signers: Keypair[],
): Promise<string> {
  const latest = await connection.getLatestBlockhash('confirmed');
  const tx = new Transaction({ feePayer: signers[0]!.publicKey, ...latest }).add(...instructions);
  tx.sign(...signers);
  const signature = await connection.sendRawTransaction(tx.serialize(), { preflightCommitment: 'processed' });
  await waitFor(connection, signature, commitment, latest.lastValidBlockHeight);
  return signature;
}

/**
 * `choir devnet seed`: funded keypairs create threads (two co-authors each), publish messages, submit specs from
 * outsiders and vote on them, through the devnet's JSON-RPC like any client, so the indexer sees it all stream in.
 */
export async function seedDevnet(options: SeedOptions): Promise<SeedResult> {
  const commitment = options.commitment ?? 'processed';
  const connection = new Connection(options.rpcUrl, 'processed');
  const log = options.logger.child({ component: 'devnet-seed' });
  const threads = options.threads ?? 3;
  const messagesPerThread = options.messagesPerThread ?? 4;
  const specsPerThread = options.specsPerThread ?? 3;
  const keypairs: Record<string, string> = {};
  const signatures: string[] = [];
  const messages: SeededMessage[] = [];
  const threadAddresses: string[] = [];

  const user = async (name: string): Promise<Keypair> => {
    const keypair = Keypair.generate();
    keypairs[name] = Buffer.from(keypair.secretKey).toString('base64');
    const airdrop = await connection.requestAirdrop(keypair.publicKey, 100 * LAMPORTS_PER_SOL);
    const { lastValidBlockHeight } = await connection.getLatestBlockhash('processed');
    await waitFor(connection, airdrop, commitment, lastValidBlockHeight);
    return keypair;
  };

  for (let t = 0; t < threads; t++) {
    const [alice, bob] = [await user(`thread${t}-alice`), await user(`thread${t}-bob`)];
    const threadId = randomBytes(32);
    const [thread] = findThreadAddress(threadId);
    signatures.push(
      await send(
        connection,
        commitment,
        [
          createThreadInstruction({
            payer: alice.publicKey,
            creator: alice.publicKey,
            threadId,
            coAuthors: [alice.publicKey, bob.publicKey],
            minStake: STAKE,
          }),
        ],
        [alice],
      ),
    );
    threadAddresses.push(thread.toBase58());
    for (let m = 0; m < messagesPerThread; m++) {
      const author = m % 2 === 0 ? alice : bob;
      const content = `Thread ${t}, message ${m}: ${m % 2 === 0 ? 'a proposal for the chorus' : 'a reply in harmony'}.`;
      const hash = contentHash(content);
      signatures.push(
        await send(
          connection,
          commitment,
          [submitMessageInstruction({ payer: author.publicKey, author: author.publicKey, thread, contentHash: hash })],
          [author],
        ),
      );
      messages.push(message(thread, author.publicKey, hash, content, 'message', 'published'));
    }
    for (let s = 0; s < specsPerThread; s++) {
      const outsider = await user(`thread${t}-spec${s}-author`);
      const content = `Thread ${t}, spec ${s}: please add this verse.`;
      const hash = contentHash(content);
      signatures.push(
        await send(
          connection,
          commitment,
          [submitSpecInstruction({ author: outsider.publicKey, thread, contentHash: hash, stake: STAKE })],
          [outsider],
        ),
      );
      const vote = (voter: Keypair, approve: boolean) =>
        send(
          connection,
          commitment,
          [
            voteInstruction({
              voter: voter.publicKey,
              thread,
              contentHash: hash,
              approve,
              payees: [alice.publicKey, bob.publicKey],
            }),
          ],
          [voter],
        );
      let outcome: SeededMessage['outcome'] = 'pending';
      if (s === 0) {
        signatures.push(await vote(alice, true), await vote(bob, true));
        outcome = 'approved';
      } else if (s === 1) {
        signatures.push(await vote(bob, false));
        outcome = 'rejected';
      }
      messages.push(message(thread, outsider.publicKey, hash, content, 'spec', outcome));
    }
    log.info({ thread: thread.toBase58() }, 'seeded a thread');
  }
  return { keypairs, threads: threadAddresses, messages, signatures };
}

function message(
  thread: PublicKey,
  author: PublicKey,
  hash: Uint8Array,
  content: string,
  kind: SeededMessage['kind'],
  outcome: SeededMessage['outcome'],
): SeededMessage {
  const [address] = findMessageAddress(thread, hash);
  return { address: address.toBase58(), thread: thread.toBase58(), author: author.toBase58(), content, kind, outcome };
}
