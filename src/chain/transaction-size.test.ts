import { Keypair, PublicKey, SystemProgram, Transaction, type TransactionInstruction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  messageCanonicalMessage,
  relayed,
  submitMessageInstruction,
  voteInstruction,
} from '../../programs/choir/client/index.js';
import { transactionSize } from './transaction-size.js';

/** What web3.js serializes, signatures included (zeros: their size is all that matters). */
function compiled(payer: PublicKey, instructions: TransactionInstruction[]): number {
  const tx = new Transaction({
    feePayer: payer,
    recentBlockhash: new PublicKey(new Uint8Array(32).fill(7)).toBase58(),
  });
  tx.add(...instructions);
  const message = tx.serializeMessage();
  const signers = tx.compileMessage().header.numRequiredSignatures;
  return 1 + 64 * signers + message.length;
}

describe('transactionSize', () => {
  const payer = Keypair.generate().publicKey;
  const thread = Keypair.generate().publicKey;
  const author = Keypair.generate().publicKey;
  const pair = (i: number) => {
    const hash = contentHash(`m${i}`);
    const ix = submitMessageInstruction({ payer, author, thread, contentHash: hash, relayed: true });
    return relayed(ix, author, messageCanonicalMessage(thread, hash), new Uint8Array(64));
  };

  it('equals the compiled size for packed relayed pairs, shared keys counted once', () => {
    for (let n = 1; n <= 5; n++) {
      const ixs = Array.from({ length: n }, (_, i) => pair(i)).flat();
      expect(transactionSize(payer, ixs)).toBe(compiled(payer, ixs));
    }
  });

  it('counts extra signers and long account lists', () => {
    const voter = Keypair.generate().publicKey;
    const payees = Array.from({ length: 10 }, () => Keypair.generate().publicKey);
    const vote = voteInstruction({ voter, thread, contentHash: contentHash('spec'), approve: true, payees });
    const transfer = SystemProgram.transfer({ fromPubkey: voter, toPubkey: payer, lamports: 1 });
    expect(transactionSize(payer, [vote, transfer])).toBe(compiled(payer, [vote, transfer]));
  });
});
