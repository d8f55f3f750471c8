// Adversarial suite, accounts: every account check on every instruction that makes it (issue 17 §5). Each case
// starts from a valid instruction (checked to succeed) and changes one account.
import { address } from '@solana/kit';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID, findThreadAddress, ProgramError, voteInstruction } from '../client/index.js';
import { Adversary, INSTRUCTIONS, type InstructionName } from './adversarial-fixture.js';
import { addr, randomId, withAccount } from './harness.js';

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const WITH_THREAD = INSTRUCTIONS.filter((n) => n !== 'create_thread');
const WITH_MESSAGE: InstructionName[] = ['vote', 'expire_spec'];
const CREATING: InstructionName[] = ['create_thread', 'submit_message', 'submit_spec'];

describe('adversarial: accounts', () => {
  let adv: Adversary;
  beforeAll(() => {
    adv = new Adversary();
  });

  /** Rewrites an account in place (owner, data). */
  function rewrite(key: PublicKey, change: { owner?: string; data?: Uint8Array; lamports?: bigint }): void {
    const acc = adv.chain.svm.getAccount(addr(key));
    const base = acc.exists
      ? acc
      : {
          address: addr(key),
          lamports: 0n,
          programAddress: address(SYSTEM_PROGRAM),
          data: new Uint8Array(),
          executable: false,
          space: 0n,
        };
    const data = change.data ?? base.data;
    adv.chain.svm.setAccount({
      ...base,
      executable: false,
      lamports: (change.lamports ?? BigInt(base.lamports)) as never,
      programAddress: address(change.owner ?? base.programAddress),
      data,
      space: BigInt(data.length),
    });
  }

  it.each(INSTRUCTIONS)('%s: the unchanged case succeeds (every test below changes one thing)', (name) => {
    const c = adv.case(name);
    adv.ok([c.ix], c.signers);
  });

  it.each(INSTRUCTIONS)('%s: every account it writes must be writable', (name) => {
    for (const at of adv.case(name).writable) {
      const c = adv.case(name);
      expect(adv.fail([withAccount(c.ix, at, { isWritable: false })], c.signers), `account ${at}`).toBe(
        ProgramError.AccountNotWritable,
      );
    }
  });

  it.each(WITH_THREAD)('%s: a thread owned by System or another program is refused', (name) => {
    for (const owner of [SYSTEM_PROGRAM, TOKEN_PROGRAM]) {
      const c = adv.case(name);
      rewrite(c.threadAddress, { owner });
      expect(adv.fail([c.ix], c.signers), owner).toBe(ProgramError.InvalidAccountOwner);
    }
  });

  it.each(WITH_MESSAGE)('%s: a message owned by System or another program is refused', (name) => {
    for (const owner of [SYSTEM_PROGRAM, TOKEN_PROGRAM]) {
      const c = adv.case(name);
      rewrite(c.ix.keys[c.message as number]!.pubkey, { owner });
      expect(adv.fail([c.ix], c.signers), owner).toBe(ProgramError.InvalidAccountOwner);
    }
  });

  it.each(CREATING)('%s: the address to create must be an empty System account', (name) => {
    const cases: [string, { owner?: string; data?: Uint8Array }, number][] = [
      [
        'owned by another program',
        { owner: TOKEN_PROGRAM, data: new Uint8Array(8) },
        ProgramError.AccountAlreadyInitialized,
      ],
      ['owned by another program, no data', { owner: TOKEN_PROGRAM }, ProgramError.AccountAlreadyInitialized],
      [
        'System-owned with data',
        { owner: SYSTEM_PROGRAM, data: new Uint8Array(8) },
        ProgramError.AccountAlreadyInitialized,
      ],
      [
        'owned by this program',
        { owner: CHOIR_PROGRAM_ID.toBase58(), data: new Uint8Array(8) },
        name === 'create_thread' ? ProgramError.AccountAlreadyInitialized : ProgramError.DuplicateContentHash,
      ],
    ];
    for (const [what, change, code] of cases) {
      const c = adv.case(name);
      rewrite(c.ix.keys[c.fresh as number]!.pubkey, { ...change, lamports: 10_000_000n });
      expect(adv.fail([c.ix], c.signers), what).toBe(code);
    }
  });

  it.each(WITH_THREAD)('%s: a thread that does not exist is refused', (name) => {
    const c = adv.case(name);
    const nowhere = findThreadAddress(randomId())[0];
    expect(adv.fail([withAccount(c.ix, c.thread as number, { pubkey: nowhere })], c.signers)).toBe(
      ProgramError.InvalidAccountOwner,
    );
  });

  it.each(WITH_MESSAGE)('%s: a message that does not exist is refused', (name) => {
    const c = adv.case(name);
    const nowhere = Keypair.generate().publicKey;
    expect(adv.fail([withAccount(c.ix, c.message as number, { pubkey: nowhere })], c.signers)).toBe(
      ProgramError.InvalidAccountOwner,
    );
  });

  it.each(WITH_THREAD)('%s: a Message passed as the thread is refused', (name) => {
    const c = adv.case(name);
    const message = adv.someMessage();
    expect(adv.fail([withAccount(c.ix, c.thread as number, { pubkey: message })], c.signers)).toBe(
      ProgramError.InvalidAccountData,
    );
  });

  it.each(WITH_MESSAGE)('%s: a Thread passed as the message, or a message-sized account of kind thread', (name) => {
    const c = adv.case(name);
    const other = adv.newThread();
    expect(adv.fail([withAccount(c.ix, c.message as number, { pubkey: other })], c.signers)).toBe(
      ProgramError.InvalidAccountData,
    );
    const own = adv.case(name);
    expect(adv.fail([withAccount(own.ix, own.message as number, { pubkey: own.threadAddress })], own.signers)).toBe(
      ProgramError.InvalidAccountData,
    );
    const forged = adv.case(name);
    const key = forged.ix.keys[forged.message as number]!.pubkey;
    const data = Uint8Array.from(adv.chain.data(key) as Uint8Array);
    data[1] = 1; // kind tag: thread
    rewrite(key, { data });
    expect(adv.fail([forged.ix], forged.signers)).toBe(ProgramError.InvalidAccountData);
  });

  it.each(['submit_message', 'submit_spec'] as InstructionName[])(
    '%s: the thread passed as the new message, or an existing message at the new one',
    (name) => {
      const c = adv.case(name);
      expect(adv.fail([withAccount(c.ix, c.fresh as number, { pubkey: c.threadAddress })], c.signers)).toBe(
        ProgramError.InvalidPda,
      );
      const d = adv.case(name);
      expect(adv.fail([withAccount(d.ix, d.fresh as number, { pubkey: adv.someMessage() })], d.signers)).toBe(
        ProgramError.InvalidPda,
      );
    },
  );

  it('create_thread: an existing thread or message at the thread position', () => {
    const c = adv.case('create_thread');
    expect(adv.fail([withAccount(c.ix, 2, { pubkey: adv.newThread() })], c.signers)).toBe(
      ProgramError.AccountAlreadyInitialized,
    );
    expect(adv.fail([withAccount(c.ix, 2, { pubkey: adv.someMessage() })], c.signers)).toBe(
      ProgramError.AccountAlreadyInitialized,
    );
  });

  describe('duplicate accounts', () => {
    it('create_thread: the payer as the thread', () => {
      const c = adv.case('create_thread');
      expect(adv.fail([withAccount(c.ix, 2, { pubkey: adv.alice.publicKey, isSigner: true })], c.signers)).toBe(
        ProgramError.InvalidPda,
      );
    });

    it('submit_message and submit_spec: the thread as the new message; a signer as the thread', () => {
      for (const name of ['submit_message', 'submit_spec'] as const) {
        const c = adv.case(name);
        const thread = c.ix.keys[c.thread as number]!;
        expect(adv.fail([withAccount(c.ix, c.fresh as number, thread)], c.signers), name).toBe(ProgramError.InvalidPda);
        const d = adv.case(name);
        const signer = d.ix.keys[0]!;
        expect(adv.fail([withAccount(d.ix, d.thread as number, signer)], d.signers), name).toBe(
          ProgramError.InvalidAccountOwner,
        );
      }
    });

    it('vote and expire_spec: the thread as the message, and the message as the thread', () => {
      for (const name of WITH_MESSAGE) {
        const c = adv.case(name);
        const thread = c.ix.keys[c.thread as number]!;
        expect(adv.fail([withAccount(c.ix, c.message as number, thread)], c.signers), name).toBe(
          ProgramError.InvalidAccountData,
        );
        const d = adv.case(name);
        const message = d.ix.keys[d.message as number]!;
        expect(adv.fail([withAccount(d.ix, d.thread as number, message)], d.signers), name).toBe(
          ProgramError.InvalidAccountData,
        );
      }
    });

    it('vote: a co-author listed twice among the payees of the final approval', () => {
      const thread = adv.newThread();
      const hash = adv.spec(thread);
      const { alice, bob } = adv;
      adv.ok([voteInstruction({ voter: alice.publicKey, thread, contentHash: hash, approve: true })], [alice]);
      const twice = [bob.publicKey, bob.publicKey];
      const ix = voteInstruction({ voter: bob.publicKey, thread, contentHash: hash, approve: true, payees: twice });
      expect(adv.fail([ix], [bob])).toBe(ProgramError.MissingCoAuthorAccounts);
    });

    it('divest: the co-author as the thread, and the thread as the (unsigned) co-author', () => {
      const c = adv.case('divest');
      expect(adv.fail([withAccount(c.ix, 1, c.ix.keys[0]!)], c.signers)).toBe(ProgramError.InvalidAccountOwner);
      const d = adv.case('divest');
      const asCoAuthor = { ...d.ix.keys[1]!, isSigner: false };
      expect(adv.fail([withAccount(d.ix, 0, asCoAuthor)], [])).toBe(ProgramError.MissingRequiredSignature);
    });
  });
});
