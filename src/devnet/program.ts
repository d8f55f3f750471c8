import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { CHOIR_PROGRAM_ID, deployProgram } from '../../programs/choir/client/index.js';
import type { ProgramSpec } from './ledger/ledger.js';

/**
 * The Choir program as the devnet deploys it at genesis: the ELF at `elfPath`, at CHOIR_PROGRAM_ID, through BPF
 * Loader Upgradeable with the program client's own deploy routine. `null` when the ELF is missing.
 */
export function choirProgram(elfPath: string): ProgramSpec | null {
  const path = resolve(elfPath);
  if (!existsSync(path)) return null;
  const elf = new Uint8Array(readFileSync(path));
  return {
    programId: CHOIR_PROGRAM_ID.toBase58(),
    elf,
    deploy: (svm, payer) => {
      deployProgram(svm, { payer: Keypair.fromSecretKey(payer.secretKey) }, elf);
    },
  };
}
