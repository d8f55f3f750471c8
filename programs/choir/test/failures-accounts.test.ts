// Failure paths of account validation: PDAs, owners, sizes, writability, program/sysvar ids, instruction data.
import { lamports } from '@solana/kit';
import { Keypair, SYSVAR_CLOCK_PUBKEY, SystemProgram, TransactionInstruction } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHOIR_PROGRAM_ID,
  contentHash,
  createThreadInstruction,
  divestInstruction,
  expireSpecInstruction,
  findMessageAddress,
  ProgramError,
  submitMessageInstruction,
  submitSpecInstruction,
  voteInstruction,
} from '../client/index.js';
import { addr, Chain, createThreadFor, randomId, SOL, withAccount, withData } from './harness.js';

describe('choir program: account and data validation', () => {
  let chain: Chain;
  let alice: Keypair;
  let bob: Keypair;
  let carol: Keypair;
  beforeAll(() => {
    chain = new Chain();
    [alice, bob, carol] = [chain.newFunded(), chain.newFunded(), chain.newFunded()];
  });

  const publish = (thread: ReturnType<typeof createThreadFor>, text: string) =>
    submitMessageInstruction({
      payer: alice.publicKey,
      author: alice.publicKey,
      thread,
      contentHash: contentHash(text),
    });

  it('rejects PDAs that are not derived from the seeds', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const wrongMessage = withAccount(publish(thread, 'm'), 3, { pubkey: Keypair.generate().publicKey });
    expect(chain.fail([wrongMessage], [alice])).toBe(ProgramError.InvalidPda);
    const create = createThreadInstruction({
      payer: alice.publicKey,
      creator: alice.publicKey,
      threadId: randomId(),
      coAuthors: [alice.publicKey],
      minStake: 0n,
    });
    expect(chain.fail([withAccount(create, 2, { pubkey: Keypair.generate().publicKey })], [alice])).toBe(
      ProgramError.InvalidPda,
    );
    // A real message of another thread is refused by its recorded thread.
    const other = createThreadFor(chain, [alice, bob]);
    const hash = contentHash('spec elsewhere');
    chain.ok(
      [submitSpecInstruction({ author: carol.publicKey, thread: other, contentHash: hash, stake: 0n })],
      [carol],
    );
    const vote = voteInstruction({ voter: alice.publicKey, thread, contentHash: hash, approve: true });
    const crossed = withAccount(vote, 2, { pubkey: findMessageAddress(other, hash)[0] });
    expect(chain.fail([crossed], [alice])).toBe(ProgramError.MessageThreadMismatch);
    const expire = expireSpecInstruction({ thread: other, contentHash: hash });
    expect(
      chain.fail([withData(expire, Buffer.concat([Uint8Array.of(4), contentHash('another hash')]))], [alice]),
    ).toBe(ProgramError.ContentHashMismatch);
  });

  it('rejects thread accounts with the wrong owner, size or kind', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const original = chain.svm.getAccount(addr(thread));
    if (!original.exists) throw new Error('thread missing');
    const put = (programAddress: string, data: Uint8Array) =>
      chain.svm.setAccount({
        ...original,
        programAddress: programAddress as typeof original.programAddress,
        data,
        space: BigInt(data.length),
      });
    put(SystemProgram.programId.toBase58(), original.data);
    expect(chain.fail([publish(thread, 'owner')], [alice])).toBe(ProgramError.InvalidAccountOwner);
    put(CHOIR_PROGRAM_ID.toBase58(), original.data.subarray(0, 100));
    expect(chain.fail([publish(thread, 'size')], [alice])).toBe(ProgramError.InvalidAccountData);
    const wrongKind = Uint8Array.from(original.data);
    wrongKind[1] = 2;
    put(CHOIR_PROGRAM_ID.toBase58(), wrongKind);
    expect(chain.fail([publish(thread, 'kind')], [alice])).toBe(ProgramError.InvalidAccountData);
    // A byte-for-byte copy of a real thread at another address fails its PDA derivation.
    const copy = Keypair.generate().publicKey;
    chain.svm.setAccount({ ...original, address: addr(copy), lamports: lamports(original.lamports) });
    expect(chain.fail([publish(copy, 'copy')], [alice])).toBe(ProgramError.InvalidPda);
    chain.svm.setAccount(original);
    chain.ok([publish(thread, 'restored')], [alice]);
  });

  it('rejects read-only accounts that the instruction writes', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    expect(chain.fail([withAccount(publish(thread, 'ro thread'), 2, { isWritable: false })], [alice])).toBe(
      ProgramError.AccountNotWritable,
    );
    expect(chain.fail([withAccount(publish(thread, 'ro message'), 3, { isWritable: false })], [alice])).toBe(
      ProgramError.AccountNotWritable,
    );
    const divest = divestInstruction({ coAuthor: bob.publicKey, thread });
    // alice pays the fee: the fee payer is always writable, bob must not be.
    expect(chain.fail([withAccount(divest, 0, { isWritable: false })], [alice, bob])).toBe(
      ProgramError.AccountNotWritable,
    );
  });

  it('rejects an impostor System program or Instructions sysvar', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    expect(chain.fail([withAccount(publish(thread, 'sys'), 4, { pubkey: SYSVAR_CLOCK_PUBKEY })], [alice])).toBe(
      ProgramError.InvalidSystemProgram,
    );
    expect(chain.fail([withAccount(publish(thread, 'ixs'), 5, { pubkey: SYSVAR_CLOCK_PUBKEY })], [alice])).toBe(
      ProgramError.InvalidInstructionsSysvar,
    );
  });

  it('rejects short, long, empty and garbage instruction data and missing accounts', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const ix = publish(thread, 'data');
    for (const data of [
      new Uint8Array(),
      Uint8Array.of(1),
      ix.data.subarray(0, 32),
      Buffer.concat([ix.data, Uint8Array.of(0)]),
      Uint8Array.of(6),
      Uint8Array.of(255, 1, 2),
    ]) {
      expect(chain.fail([withData(ix, data)], [alice])).toBe(ProgramError.InvalidInstructionData);
    }
    const vote = voteInstruction({ voter: alice.publicKey, thread, contentHash: contentHash('x'), approve: true });
    const badFlag = Buffer.from(vote.data);
    badFlag[33] = 2;
    expect(chain.fail([withData(vote, badFlag)], [alice])).toBe(ProgramError.InvalidInstructionData);
    const create = createThreadInstruction({
      payer: alice.publicKey,
      creator: alice.publicKey,
      threadId: randomId(),
      coAuthors: [alice.publicKey],
      minStake: 0n,
    });
    const eleven = Buffer.from(create.data);
    eleven[49] = 11;
    expect(chain.fail([withData(create, eleven)], [alice])).toBe(ProgramError.InvalidCoAuthorCount);
    eleven[49] = 2; // claims two keys, carries one
    expect(chain.fail([withData(create, eleven)], [alice])).toBe(ProgramError.InvalidInstructionData);
    const few = new TransactionInstruction({ programId: CHOIR_PROGRAM_ID, keys: ix.keys.slice(0, 3), data: ix.data });
    expect(chain.fail([few], [alice])).toBe(ProgramError.NotEnoughAccounts);
    const none = new TransactionInstruction({ programId: CHOIR_PROGRAM_ID, keys: [], data: Buffer.from([5]) });
    expect(chain.fail([none], [alice])).toBe(ProgramError.NotEnoughAccounts);
  });

  it('random instruction data never succeeds against a live thread and never crashes the program', () => {
    const thread = createThreadFor(chain, [alice, bob]);
    const ix = publish(thread, 'random');
    for (let i = 0; i < 40; i++) {
      const data = Keypair.generate().secretKey.subarray(0, i % 64);
      const code = chain.fail([withData(ix, data)], [alice]);
      expect(code === undefined || (code >= 1 && code <= 37)).toBe(true);
    }
    expect(SOL).toBeGreaterThan(0n);
  });
});
