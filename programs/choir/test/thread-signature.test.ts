// The relayed create_thread signature (issue 17 §2, §3): "CHOIR_THREAD_V2" binds the program id and the thread's
// terms, so a relayer (or anyone copying the Ed25519 instruction) cannot pick min_stake or spec_lifetime, and the
// signature does not create the thread on another deployment. V1 messages are refused.
import { Keypair, type PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHOIR_PROGRAM_ID,
  createThreadInstruction,
  DEFAULT_SPEC_LIFETIME_SECONDS,
  deployProgram,
  findThreadAddress,
  loadChoirProgramElf,
  ProgramError,
  relayed,
  sha256,
  signEd25519,
  THREAD_CANONICAL_MESSAGE_LEN,
  type ThreadTerms,
  threadCanonicalMessage,
} from '../client/index.js';
import { Chain, randomId, SOL, withData } from './harness.js';

describe('choir program: the relayed create_thread signature covers the terms and the deployment', () => {
  let chain: Chain;
  let relayer: Keypair;
  let creator: Keypair;
  let other: Keypair;
  beforeAll(() => {
    chain = new Chain();
    [relayer, creator, other] = [chain.newFunded(), Keypair.generate(), Keypair.generate()];
  });

  const terms = (overrides: Partial<ThreadTerms> = {}): ThreadTerms => ({
    threadId: randomId(),
    coAuthors: [creator.publicKey, other.publicKey],
    minStake: SOL,
    specLifetime: 3600n,
    ...overrides,
  });

  /** The creator's signed Ed25519 instruction and the Choir instruction built from the same terms. */
  function signed(t: ThreadTerms): [TransactionInstruction, TransactionInstruction] {
    const ix = createThreadInstruction({ ...t, payer: relayer.publicKey, creator: creator.publicKey, relayed: true });
    const msg = threadCanonicalMessage(t);
    return relayed(ix, creator.publicKey, msg, signEd25519(msg, creator));
  }

  it('builds exactly the documented 127 bytes', () => {
    const t = terms({ minStake: 0x0102030405060708n, specLifetime: -2n });
    const msg = Uint8Array.from(threadCanonicalMessage(t));
    expect(msg.length).toBe(THREAD_CANONICAL_MESSAGE_LEN);
    expect(Buffer.from(msg.subarray(0, 15)).toString()).toBe('CHOIR_THREAD_V2');
    expect(msg.subarray(15, 47)).toEqual(CHOIR_PROGRAM_ID.toBytes());
    expect(msg.subarray(47, 79)).toEqual(t.threadId);
    expect(msg.subarray(79, 111)).toEqual(sha256(creator.publicKey.toBytes(), other.publicKey.toBytes()));
    expect(Buffer.from(msg.subarray(111, 119)).toString('hex')).toBe('0807060504030201');
    expect(Buffer.from(msg.subarray(119, 127)).toString('hex')).toBe('feffffffffffffff');
    expect(() => threadCanonicalMessage(terms({ minStake: -1n }))).toThrow(RangeError);
    expect(() => threadCanonicalMessage(terms({ specLifetime: 1n << 63n }))).toThrow(RangeError);
  });

  it('stores the signed terms; 0 signs for the default lifetime', () => {
    const t = terms({ specLifetime: 0n });
    chain.ok(signed(t), [relayer]);
    const thread = chain.thread(findThreadAddress(t.threadId)[0]);
    expect(thread.minStake).toBe(SOL);
    expect(thread.specLifetime).toBe(DEFAULT_SPEC_LIFETIME_SECONDS);
  });

  it('refuses terms the creator did not sign, and the honest transaction still lands afterwards', () => {
    const t = terms();
    const [ed, ix] = signed(t);
    const tampered = (minStake: bigint, lifetime: bigint) => {
      const data = Buffer.from(ix.data);
      data.writeBigUInt64LE(minStake, 33);
      data.writeBigInt64LE(lifetime, 41);
      return withData(ix, data);
    };
    for (const [minStake, lifetime] of [
      [0n, 1n], // every spec expires before a vote
      [0xffff_ffff_ffff_ffffn, 3600n], // no spec can ever be submitted
      [SOL, 1n],
      [0n, 3600n],
      [SOL, 0n], // "default" is a term too
    ] as const) {
      expect(chain.fail([ed, tampered(minStake, lifetime)], [relayer])).toBe(ProgramError.Ed25519MessageMismatch);
    }
    expect(chain.data(findThreadAddress(t.threadId)[0])).toBeUndefined();
    chain.ok([ed, ix], [relayer]);
    expect(chain.thread(findThreadAddress(t.threadId)[0]).specLifetime).toBe(3600n);
  });

  it('refuses a CHOIR_THREAD_V1 signature', () => {
    const t = terms();
    const ix = createThreadInstruction({ ...t, payer: relayer.publicKey, creator: creator.publicKey, relayed: true });
    const v1 = Buffer.concat([
      Buffer.from('CHOIR_THREAD_V1'),
      t.threadId,
      sha256(...t.coAuthors.map((k) => k.toBytes())),
    ]);
    expect(chain.fail(relayed(ix, creator.publicKey, v1, signEd25519(v1, creator)), [relayer])).toBe(
      ProgramError.Ed25519MessageMismatch,
    );
  });

  it('a signature for one deployment does not create the thread on another', () => {
    const second = Keypair.generate();
    deployProgram(chain.svm, { payer: chain.deployer, programKeypair: second }, loadChoirProgramElf());
    const t = terms();
    const onSecond = (programId: PublicKey) => {
      const ix = createThreadInstruction({
        ...t,
        programId: second.publicKey,
        payer: relayer.publicKey,
        creator: creator.publicKey,
        relayed: true,
      });
      const msg = threadCanonicalMessage({ ...t, programId });
      return relayed(ix, creator.publicKey, msg, signEd25519(msg, creator));
    };
    expect(chain.fail(onSecond(CHOIR_PROGRAM_ID), [relayer])).toBe(ProgramError.Ed25519MessageMismatch);
    chain.ok(onSecond(second.publicKey), [relayer]);
    expect(chain.data(findThreadAddress(t.threadId, second.publicKey)[0])).toBeDefined();
  });
});
