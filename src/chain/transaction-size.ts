/**
 * The serialized size of a legacy transaction, counted from its parts instead of compiled by web3.js: packing
 * relayed actions asks this once per candidate, and compiling a message (every key through base58, twice) cost
 * more than a millisecond per submission in the pipeline's profile.
 *
 * Wire format: compact-u16 signature count, 64 bytes per signature, then the message: 3 header bytes, compact-u16
 * key count, 32 bytes per unique key (fee payer, every account, every program), the 32-byte blockhash, compact-u16
 * instruction count, and per instruction its program index (1), compact-u16 account count, one index byte per
 * account, compact-u16 data length and the data.
 */
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';

/** Bytes of Solana's compact-u16 length prefix. */
export const compactLength = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : 3);

/** A key's identity without base58 (its 32 bytes as a string). */
const keyId = (key: PublicKey) => key.toBuffer().toString('latin1');

export function transactionSize(feePayer: PublicKey, instructions: readonly TransactionInstruction[]): number {
  const keys = new Set<string>([keyId(feePayer)]);
  const signers = new Set<string>([keyId(feePayer)]);
  let body = compactLength(instructions.length);
  for (const ix of instructions) {
    keys.add(keyId(ix.programId));
    for (const meta of ix.keys) {
      const id = keyId(meta.pubkey);
      keys.add(id);
      if (meta.isSigner) signers.add(id);
    }
    body += 1 + compactLength(ix.keys.length) + ix.keys.length + compactLength(ix.data.length) + ix.data.length;
  }
  const message = 3 + compactLength(keys.size) + 32 * keys.size + 32 + body;
  return compactLength(signers.size) + 64 * signers.size + message;
}
