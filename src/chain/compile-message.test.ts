import { Keypair, Message, PublicKey, SystemProgram, Transaction, type TransactionInstruction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  messageCanonicalMessage,
  relayed,
  submitMessageInstruction,
  voteInstruction,
} from '../../programs/choir/client/index.js';
import { compileLegacyMessage } from './compile-message.js';

const blockhash = new PublicKey(new Uint8Array(32).fill(7)).toBase58();

/** What a message means, independent of key order: each key's flags and each instruction's program, accounts, data. */
function meaning(message: Message) {
  const key = (i: number) => message.accountKeys[i]?.toBase58();
  return {
    fee: key(0),
    signatures: message.header.numRequiredSignatures,
    keys: Object.fromEntries(
      message.accountKeys.map((k, i) => [
        k.toBase58(),
        { signer: message.isAccountSigner(i), writable: message.isAccountWritable(i) },
      ]),
    ),
    instructions: message.instructions.map((ix) => ({
      program: key(ix.programIdIndex),
      accounts: ix.accounts.map(key),
      data: ix.data,
    })),
    blockhash: message.recentBlockhash,
  };
}

describe('compileLegacyMessage', () => {
  const payer = Keypair.generate().publicKey;
  const thread = Keypair.generate().publicKey;
  const pair = (author: PublicKey, i: number) => {
    const hash = contentHash(`m${i}`);
    const ix = submitMessageInstruction({ payer, author, thread, contentHash: hash, relayed: true });
    return relayed(ix, author, messageCanonicalMessage(thread, hash), new Uint8Array(64).fill(i));
  };
  const cases: [string, TransactionInstruction[]][] = [
    ['one relayed submission', pair(Keypair.generate().publicKey, 1)],
    [
      'three relayed submissions, two authors',
      (() => {
        const a = Keypair.generate().publicKey;
        const b = Keypair.generate().publicKey;
        return [...pair(a, 1), ...pair(b, 2), ...pair(a, 3)];
      })(),
    ],
    [
      'a vote and a transfer (a read-only signer, a key writable in one instruction only)',
      [
        voteInstruction({
          voter: Keypair.generate().publicKey,
          thread,
          contentHash: contentHash('spec'),
          approve: true,
        }),
        SystemProgram.transfer({ fromPubkey: payer, toPubkey: thread, lamports: 1 }),
      ],
    ],
  ];

  for (const [name, instructions] of cases) {
    it(`writes the message web3.js compiles: ${name}`, () => {
      const ours = compileLegacyMessage(payer, blockhash, instructions);
      const theirs = new Transaction({ feePayer: payer, recentBlockhash: blockhash }).add(...instructions);
      const expected = theirs.compileMessage();
      // Same size, and read back by web3.js, the same keys with the same flags and the same instructions.
      expect(ours.bytes.length).toBe(expected.serialize().length);
      expect(ours.numRequiredSignatures).toBe(expected.header.numRequiredSignatures);
      expect(meaning(Message.from(ours.bytes))).toEqual(meaning(expected));
      expect(Message.from(ours.bytes).header).toEqual(expected.header);
    });
  }
});
