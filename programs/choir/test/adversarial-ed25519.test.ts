// Adversarial suite, relayed signatures: the Ed25519 instruction's shape and binding on each of the three relayed
// instructions (create_thread, submit_message, vote), and replays of a valid signature.
import { Ed25519Program, type Keypair, type PublicKey, TransactionInstruction } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentHash,
  createThreadInstruction,
  findMessageAddress,
  messageCanonicalMessage,
  ProgramError,
  signEd25519,
  submitMessageInstruction,
  threadCanonicalMessage,
  voteCanonicalMessage,
  voteInstruction,
} from '../client/index.js';
import { Adversary } from './adversarial-fixture.js';
import { randomId } from './harness.js';

type Relayed = 'create_thread' | 'submit_message' | 'vote';
const RELAYED: Relayed[] = ['create_thread', 'submit_message', 'vote'];
const SELF = 0xffff;
let published = 0;

interface Signature {
  signer: Keypair;
  message: Uint8Array;
}

/**
 * An Ed25519 precompile instruction laid out like web3.js's (offsets, then per signature: key, signature,
 * message), with every instruction index SELF unless `indexes` overrides them, and optional `trailing` bytes.
 */
function ed25519(
  signatures: Signature[],
  options: {
    count?: number;
    indexes?: Partial<{ signature: number; key: number; message: number }>;
    at?: Partial<{ signature: number; key: number; message: number }>;
    trailing?: Uint8Array;
  } = {},
): TransactionInstruction {
  const header = 2 + 14 * signatures.length;
  const parts: Buffer[] = [];
  const offsets = Buffer.alloc(header);
  offsets[0] = options.count ?? signatures.length;
  let at = header;
  for (const [i, s] of signatures.entries()) {
    const key = s.signer.publicKey.toBuffer();
    const sig = Buffer.from(signEd25519(s.message, s.signer));
    const o = 2 + 14 * i;
    offsets.writeUInt16LE(options.at?.signature ?? at + 32, o);
    offsets.writeUInt16LE(options.indexes?.signature ?? SELF, o + 2);
    offsets.writeUInt16LE(options.at?.key ?? at, o + 4);
    offsets.writeUInt16LE(options.indexes?.key ?? SELF, o + 6);
    offsets.writeUInt16LE(options.at?.message ?? at + 96, o + 8);
    offsets.writeUInt16LE(s.message.length, o + 10);
    offsets.writeUInt16LE(options.indexes?.message ?? SELF, o + 12);
    parts.push(key, sig, Buffer.from(s.message));
    at += 96 + s.message.length;
  }
  const data = Buffer.concat([offsets, ...parts, Buffer.from(options.trailing ?? [])]);
  return new TransactionInstruction({ programId: Ed25519Program.programId, keys: [], data });
}

describe('adversarial: relayed signatures', () => {
  let adv: Adversary;
  beforeAll(() => {
    adv = new Adversary();
  });

  /** A fresh relayed call by alice: the Choir instruction (relayed) and the canonical message she signs. */
  function relayedCase(
    name: Relayed,
    authority = adv.alice,
  ): { ix: TransactionInstruction; message: Uint8Array; thread: PublicKey } {
    const relayer = adv.relayer.publicKey;
    if (name === 'create_thread') {
      const terms = { threadId: randomId(), coAuthors: [authority.publicKey, adv.outsider.publicKey], minStake: 0n };
      const ix = createThreadInstruction({ ...terms, payer: relayer, creator: authority.publicKey, relayed: true });
      return { ix, message: threadCanonicalMessage(terms), thread: ix.keys[2]!.pubkey };
    }
    const thread = adv.newThread();
    if (name === 'submit_message') {
      const hash = contentHash(`relayed message ${published++}`);
      const ix = submitMessageInstruction({
        payer: relayer,
        author: authority.publicKey,
        thread,
        contentHash: hash,
        relayed: true,
      });
      return { ix, message: messageCanonicalMessage(thread, hash), thread };
    }
    const hash = adv.spec(thread);
    const ix = voteInstruction({ voter: authority.publicKey, thread, contentHash: hash, approve: true, relayed: true });
    return { ix, message: voteCanonicalMessage(findMessageAddress(thread, hash)[0], true), thread };
  }

  it.each(RELAYED)('%s: the well-formed relayed call succeeds (the baseline of every case below)', (name) => {
    const c = relayedCase(name);
    adv.ok([ed25519([{ signer: adv.alice, message: c.message }]), c.ix]);
  });

  it.each(RELAYED)('%s: two signatures in the Ed25519 instruction are refused, even both valid', (name) => {
    for (const second of [adv.bob, adv.alice]) {
      const c = relayedCase(name);
      const ix = ed25519([
        { signer: adv.alice, message: c.message },
        { signer: second, message: c.message },
      ]);
      expect(adv.fail([ix, c.ix])).toBe(ProgramError.InvalidEd25519Instruction);
    }
  });

  it.each(RELAYED)('%s: an Ed25519 instruction with zero signatures is refused', (name) => {
    const c = relayedCase(name);
    const empty = new TransactionInstruction({
      programId: Ed25519Program.programId,
      keys: [],
      data: Buffer.from([0, 0]),
    });
    expect(adv.fail([empty, c.ix])).toBe(ProgramError.InvalidEd25519Instruction);
  });

  it.each(RELAYED)('%s: an instruction index other than 0xFFFF, on any of the three, is refused', (name) => {
    // Index 0 is the Ed25519 instruction itself: the precompile verifies the very same bytes, so only the program's
    // own check stands between this and acceptance.
    for (const field of ['signature', 'key', 'message'] as const) {
      const c = relayedCase(name);
      const ix = ed25519([{ signer: adv.alice, message: c.message }], { indexes: { [field]: 0 } });
      expect(adv.fail([ix, c.ix]), field).toBe(ProgramError.InvalidEd25519Instruction);
    }
  });

  it.each(RELAYED)('%s: a message, key or signature read from another instruction is refused', (name) => {
    for (const field of ['message', 'key', 'signature'] as const) {
      const c = relayedCase(name);
      // Instruction 0: bob's own valid signature, carrying alice's key, signature and canonical message as trailing
      // bytes. Instruction 1 (right before the call) takes one of them from instruction 0.
      const key = adv.alice.publicKey.toBuffer();
      const sig = Buffer.from(signEd25519(c.message, adv.alice));
      const carrier = ed25519([{ signer: adv.bob, message: Uint8Array.of(1, 2, 3) }], {
        trailing: Buffer.concat([key, sig, c.message]),
      });
      const base = 2 + 14 + 96 + 3;
      const at = { key: base, signature: base + 32, message: base + 96 }[field];
      const reader = ed25519([{ signer: adv.alice, message: c.message }], {
        indexes: { [field]: 0 },
        at: { [field]: at },
      });
      expect(adv.fail([carrier, reader, c.ix]), field).toBe(ProgramError.InvalidEd25519Instruction);
    }
  });

  it.each(RELAYED)('%s: replayed in a second transaction', (name) => {
    const c = relayedCase(name);
    const pair = [ed25519([{ signer: adv.alice, message: c.message }]), c.ix];
    adv.ok(pair);
    const expected = {
      create_thread: ProgramError.AccountAlreadyInitialized,
      submit_message: ProgramError.DuplicateContentHash,
      vote: ProgramError.AlreadyVoted,
    }[name];
    expect(adv.fail(pair)).toBe(expected);
  });

  it.each(RELAYED)("%s: alice's signature replayed on another thread", (name) => {
    const signedFor = relayedCase(name);
    const elsewhere = relayedCase(name);
    const ix = ed25519([{ signer: adv.alice, message: signedFor.message }]);
    expect(adv.fail([ix, elsewhere.ix])).toBe(ProgramError.Ed25519MessageMismatch);
  });

  it.each(RELAYED)("%s: alice's signature replayed for another creator, author or voter", (name) => {
    const signedFor = relayedCase(name);
    const byBob = relayedCase(name, adv.bob);
    const ix = ed25519([{ signer: adv.alice, message: signedFor.message }]);
    expect(adv.fail([ix, byBob.ix])).toBe(ProgramError.Ed25519SignerMismatch);
  });
});
