// Adversarial suite, instruction data and account lists: truncated, oversized and empty data and missing
// accounts for all six instructions, zero co-authors, and expire_spec with another thread's message.
import { TransactionInstruction } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID, expireSpecInstruction, ProgramError } from '../client/index.js';
import { Adversary, INSTRUCTIONS } from './adversarial-fixture.js';
import { withData } from './harness.js';

/** Accounts each instruction needs at least (vote: without payees). */
const MIN_ACCOUNTS = { create_thread: 5, submit_message: 6, submit_spec: 4, vote: 4, expire_spec: 2, divest: 2 };

describe('adversarial: instruction data and account lists', () => {
  let adv: Adversary;
  beforeAll(() => {
    adv = new Adversary();
  });

  it.each(INSTRUCTIONS)('%s: truncated, oversized and tag-only data are refused', (name) => {
    const data = adv.case(name).ix.data;
    const variants: [string, Uint8Array][] = [
      ['one byte short', data.subarray(0, data.length - 1)],
      ['one byte more', Buffer.concat([data, Uint8Array.of(0)])],
      ['32 bytes more', Buffer.concat([data, new Uint8Array(32)])],
    ];
    if (data.length > 1) variants.push(['the tag alone', data.subarray(0, 1)]);
    for (const [what, bytes] of variants) {
      const c = adv.case(name);
      expect(adv.fail([withData(c.ix, bytes)], c.signers), what).toBe(ProgramError.InvalidInstructionData);
    }
  });

  it.each(INSTRUCTIONS)('%s: one account fewer than it needs is refused', (name) => {
    const c = adv.case(name);
    const keys = c.ix.keys.slice(0, MIN_ACCOUNTS[name] - 1);
    const short = new TransactionInstruction({ programId: CHOIR_PROGRAM_ID, keys, data: c.ix.data });
    expect(
      adv.fail(
        [short],
        c.signers.filter((s) => keys.some((k) => k.pubkey.equals(s.publicKey))),
      ),
    ).toBe(ProgramError.NotEnoughAccounts);
  });

  it('empty data and unknown tags are refused', () => {
    const c = adv.case('divest');
    for (const data of [new Uint8Array(), Uint8Array.of(6), Uint8Array.of(255)]) {
      expect(adv.fail([withData(c.ix, data)], c.signers)).toBe(ProgramError.InvalidInstructionData);
    }
  });

  it('create_thread: zero co-authors, eleven, and a count that disagrees with the keys', () => {
    const data = Buffer.from(adv.case('create_thread').ix.data); // two co-authors
    const withCount = (n: number, bytes: Uint8Array = data) => {
      const copy = Buffer.from(bytes);
      copy[49] = n;
      return copy;
    };
    const cases: [string, Uint8Array, number][] = [
      ['zero co-authors, no keys', withCount(0, data.subarray(0, 50)), ProgramError.InvalidCoAuthorCount],
      ['zero co-authors, keys sent', withCount(0), ProgramError.InvalidCoAuthorCount],
      ['eleven', withCount(11), ProgramError.InvalidCoAuthorCount],
      ['255', withCount(255), ProgramError.InvalidCoAuthorCount],
      ['claims three, carries two', withCount(3), ProgramError.InvalidInstructionData],
      ['claims one, carries two', withCount(1), ProgramError.InvalidInstructionData],
    ];
    for (const [what, bytes, code] of cases) {
      const c = adv.case('create_thread');
      expect(adv.fail([withData(c.ix, bytes)], c.signers), what).toBe(code);
    }
  });

  it('vote: an approve flag other than 0 or 1', () => {
    for (const flag of [2, 255]) {
      const c = adv.case('vote');
      const data = Buffer.from(c.ix.data);
      data[33] = flag;
      expect(adv.fail([withData(c.ix, data)], c.signers)).toBe(ProgramError.InvalidInstructionData);
    }
  });

  it("expire_spec with another thread's expired message", () => {
    const mine = adv.newThread();
    const theirs = adv.newThread();
    const hash = adv.expiredSpec(theirs);
    const crossed = expireSpecInstruction({ thread: theirs, contentHash: hash });
    const keys = [{ ...crossed.keys[0]!, pubkey: mine }, crossed.keys[1]!];
    const ix = new TransactionInstruction({ programId: CHOIR_PROGRAM_ID, keys, data: crossed.data });
    expect(adv.fail([ix])).toBe(ProgramError.MessageThreadMismatch);
    adv.ok([crossed]); // in its own thread it expires
  });
});
