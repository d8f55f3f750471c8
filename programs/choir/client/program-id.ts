// The Choir program id. programs/choir/program-keypair.json is a committed, DEV-ONLY key: it exists so every
// local devnet and test deploys the program at the same address. Never use it on a public cluster.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keypair } from '@solana/web3.js';
import { CHOIR_PROGRAM_ID } from './program-address.js';

export { CHOIR_PROGRAM_ID };

const PROGRAM_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export const CHOIR_PROGRAM_KEYPAIR_PATH = join(PROGRAM_DIR, 'program-keypair.json');
/** The committed build of the program (rebuilt by `npm run program:build`). */
export const CHOIR_PROGRAM_SO_PATH = join(PROGRAM_DIR, 'build', 'choir.so');

/** The dev-only keypair whose public key is CHOIR_PROGRAM_ID (needed to deploy at that address). */
export function loadChoirProgramKeypair(): Keypair {
  const secret = JSON.parse(readFileSync(CHOIR_PROGRAM_KEYPAIR_PATH, 'utf8')) as number[];
  return Keypair.fromSecretKey(Uint8Array.from(secret));
}

export function loadChoirProgramElf(): Uint8Array {
  return readFileSync(CHOIR_PROGRAM_SO_PATH);
}
