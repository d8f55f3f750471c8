// Deploys an ELF through BPF Loader Upgradeable (loader v3) into a LiteSVM, the way `solana program deploy`
// does: buffer account, chunked Write, program account, DeployWithMaxDataLen. The loader-v3 instructions are
// encoded here (bincode: u32 variant index, then the fields) instead of depending on @solana-program/loader-v3.

import { address } from '@solana/kit';
import {
  Keypair,
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from '@solana/web3.js';
import type { LiteSVM } from 'litesvm';
import { isFailure, sendInstructions } from './litesvm.js';
import { loadChoirProgramElf, loadChoirProgramKeypair } from './program-id.js';

export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');

const BUFFER_METADATA_LEN = 37; // u32 state tag + Option<Pubkey> authority
const PROGRAM_ACCOUNT_LEN = 36; // u32 state tag + programdata address
const WRITE_CHUNK = 900; // keeps each Write transaction under the 1232-byte packet limit

export interface DeployOptions {
  /** Pays rent and fees; also the upgrade authority unless `upgradeAuthority` is given. */
  payer: Keypair;
  /** Defaults to the committed dev-only Choir program keypair (so the program lands at CHOIR_PROGRAM_ID). */
  programKeypair?: Keypair;
  upgradeAuthority?: Keypair;
  /** Room for upgrades; defaults to twice the ELF size. */
  maxDataLen?: number;
}

export interface DeployedProgram {
  programId: PublicKey;
  programDataAddress: PublicKey;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

export function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID)[0];
}

function loaderInstruction(keys: TransactionInstruction['keys'], data: Buffer): TransactionInstruction {
  return new TransactionInstruction({ programId: BPF_LOADER_UPGRADEABLE_ID, keys, data });
}

function send(svm: LiteSVM, step: string, ixs: TransactionInstruction[], signers: Keypair[]): void {
  const result = sendInstructions(svm, ixs, signers);
  if (isFailure(result)) throw new Error(`program deploy failed at ${step}: ${result.toString()}`);
}

/** Deploys `elf` (default: programs/choir/build/choir.so) and returns where it landed. */
export function deployProgram(
  svm: LiteSVM,
  options: DeployOptions,
  elf: Uint8Array = loadChoirProgramElf(),
): DeployedProgram {
  const payer = options.payer;
  const authority = options.upgradeAuthority ?? payer;
  const program = options.programKeypair ?? loadChoirProgramKeypair();
  const buffer = Keypair.generate();
  const rent = (len: number) => Number(svm.minimumBalanceForRentExemption(BigInt(len)));

  send(
    svm,
    'InitializeBuffer',
    [
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: buffer.publicKey,
        lamports: rent(BUFFER_METADATA_LEN + elf.length),
        space: BUFFER_METADATA_LEN + elf.length,
        programId: BPF_LOADER_UPGRADEABLE_ID,
      }),
      loaderInstruction(
        [
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: authority.publicKey, isSigner: false, isWritable: false },
        ],
        u32(0),
      ),
    ],
    [payer, buffer],
  );

  for (let offset = 0; offset < elf.length; offset += WRITE_CHUNK) {
    const chunk = elf.subarray(offset, offset + WRITE_CHUNK);
    send(
      svm,
      `Write@${offset}`,
      [
        loaderInstruction(
          [
            { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
            { pubkey: authority.publicKey, isSigner: true, isWritable: false },
          ],
          Buffer.concat([u32(1), u32(offset), u64(chunk.length), chunk]),
        ),
      ],
      authority === payer ? [payer] : [payer, authority],
    );
  }

  const programData = programDataAddress(program.publicKey);
  const maxDataLen = options.maxDataLen ?? elf.length * 2;
  send(
    svm,
    'DeployWithMaxDataLen',
    [
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: program.publicKey,
        lamports: rent(PROGRAM_ACCOUNT_LEN),
        space: PROGRAM_ACCOUNT_LEN,
        programId: BPF_LOADER_UPGRADEABLE_ID,
      }),
      loaderInstruction(
        [
          { pubkey: payer.publicKey, isSigner: true, isWritable: true },
          { pubkey: programData, isSigner: false, isWritable: true },
          { pubkey: program.publicKey, isSigner: false, isWritable: true },
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
          { pubkey: authority.publicKey, isSigner: true, isWritable: false },
        ],
        Buffer.concat([u32(2), u64(maxDataLen)]),
      ),
    ],
    authority === payer ? [payer, program] : [payer, program, authority],
  );
  if (!svm.getAccount(address(program.publicKey.toBase58())).exists) {
    throw new Error('program deploy reported success but the program account is missing');
  }
  return { programId: program.publicKey, programDataAddress: programData };
}
