import bs58 from 'bs58';
import { compactU16 } from '../../chain/compact-u16.js';
import type { Signer } from './signer.js';

export const SYSTEM_PROGRAM_ID = '11111111111111111111111111111111';

function u64(value: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return out;
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/**
 * A signed legacy transaction with one System-program instruction; used by the faucet, the seed, tests and the
 * benchmark. Keys: signers first (writable), then the other writable accounts, then the System program.
 */
function systemTransaction(
  signers: Signer[],
  otherWritable: Uint8Array[],
  data: number[],
  recentBlockhash: string,
): Uint8Array {
  const keys = [...signers.map((s) => s.publicKey), ...otherWritable, SYSTEM_PROGRAM_BYTES];
  const accountIndexes = keys.slice(0, -1).map((_, i) => i);
  const message = Buffer.concat([
    Uint8Array.of(signers.length, 0, 1, ...compactU16(keys.length)),
    ...keys,
    blockhashBytes(recentBlockhash),
    Uint8Array.of(...compactU16(1), keys.length - 1, ...compactU16(accountIndexes.length), ...accountIndexes),
    Uint8Array.of(...compactU16(data.length), ...data),
  ]);
  const signatures = signers.map((s) => s.sign(message));
  return Buffer.concat([Uint8Array.of(...compactU16(signers.length)), ...signatures, message]);
}

const SYSTEM_PROGRAM_BYTES = bs58.decode(SYSTEM_PROGRAM_ID);

// Transactions of one slot share a blockhash: decode it once.
let lastBlockhash = '';
let lastBlockhashBytes: Uint8Array = new Uint8Array(32);
function blockhashBytes(blockhash: string): Uint8Array {
  if (blockhash !== lastBlockhash) {
    lastBlockhashBytes = bs58.decode(blockhash);
    lastBlockhash = blockhash;
  }
  return lastBlockhashBytes;
}

export function transferTransaction(from: Signer, to: string, lamports: bigint, recentBlockhash: string): Uint8Array {
  return systemTransaction([from], [bs58.decode(to)], [...u32(2), ...u64(lamports)], recentBlockhash);
}

export function createAccountTransaction(
  payer: Signer,
  account: Signer,
  lamports: bigint,
  space: number,
  owner: string,
  recentBlockhash: string,
): Uint8Array {
  const data = [...u32(0), ...u64(lamports), ...u64(BigInt(space)), ...bs58.decode(owner)];
  return systemTransaction([payer, account], [], data, recentBlockhash);
}
