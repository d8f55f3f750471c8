// The deploy routine the devnet uses: loader-v3 instructions encoded by the client, into any LiteSVM.
import { address, lamports } from '@solana/kit';
import { Keypair, TransactionInstruction } from '@solana/web3.js';
import { LiteSVM } from 'litesvm';
import { describe, expect, it } from 'vitest';
import {
  BPF_LOADER_UPGRADEABLE_ID,
  CHOIR_PROGRAM_ID,
  deployProgram,
  loadChoirProgramElf,
  loadChoirProgramKeypair,
  ProgramError,
  parseProgramErrorCode,
  sendInstructions,
} from '../client/index.js';

describe('deployProgram', () => {
  it('the committed dev keypair is the program id', () => {
    expect(loadChoirProgramKeypair().publicKey.equals(CHOIR_PROGRAM_ID)).toBe(true);
  });

  it('deploys at another id with a separate upgrade authority, and the program runs at once', () => {
    const svm = new LiteSVM();
    const payer = Keypair.generate();
    const authority = Keypair.generate();
    const program = Keypair.generate();
    svm.airdrop(address(payer.publicKey.toBase58()), lamports(10_000_000_000n));
    const elf = loadChoirProgramElf();
    const deployed = deployProgram(svm, { payer, upgradeAuthority: authority, programKeypair: program }, elf);
    expect(deployed.programId.equals(program.publicKey)).toBe(true);

    const programData = svm.getAccount(address(deployed.programDataAddress.toBase58()));
    expect(programData.exists && programData.programAddress).toBe(BPF_LOADER_UPGRADEABLE_ID.toBase58());
    if (!programData.exists) return;
    // ProgramData: u32 tag 3, u64 slot, Option<Pubkey> authority, then the ELF (zero-padded to max_data_len).
    const data = Buffer.from(programData.data);
    expect(data.readUInt32LE(0)).toBe(3);
    expect(data[12]).toBe(1);
    expect(data.subarray(13, 45).equals(authority.publicKey.toBuffer())).toBe(true);
    expect(data.subarray(45, 45 + elf.length).equals(Buffer.from(elf))).toBe(true);

    const garbage = new TransactionInstruction({ programId: program.publicKey, keys: [], data: Buffer.from([200]) });
    expect(parseProgramErrorCode(sendInstructions(svm, [garbage], [payer]))).toBe(ProgramError.InvalidInstructionData);
  });

  it('reports which step failed', () => {
    const svm = new LiteSVM();
    const broke = Keypair.generate(); // no lamports: the buffer cannot be funded
    expect(() => deployProgram(svm, { payer: broke })).toThrow(/program deploy failed at InitializeBuffer/);
  });
});
