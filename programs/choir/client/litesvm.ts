// Sending web3.js v1 transactions to an in-process LiteSVM (which takes @solana/kit transactions).
import { createPrivateKey, sign } from 'node:crypto';
import { getTransactionDecoder } from '@solana/kit';
import { type Keypair, Transaction, type TransactionInstruction } from '@solana/web3.js';
import type { FailedTransactionMetadata, LiteSVM, TransactionMetadata } from 'litesvm';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const decoder = getTransactionDecoder();

/** Ed25519 signature with node:crypto (much faster than web3.js's pure-JS signer). */
export function signEd25519(message: Uint8Array, keypair: Keypair): Uint8Array {
  const seed = keypair.secretKey.subarray(0, 32);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return sign(null, message, key);
}

export type SendResult = TransactionMetadata | FailedTransactionMetadata;

export function isFailure(result: SendResult): result is FailedTransactionMetadata {
  return 'err' in result && typeof (result as FailedTransactionMetadata).err === 'function';
}

/**
 * Builds, signs (fee payer = signers[0]) and sends one transaction. The blockhash is expired afterwards so that an
 * identical transaction sent next is a new transaction rather than a duplicate.
 */
export function sendInstructions(
  svm: LiteSVM,
  instructions: readonly TransactionInstruction[],
  signers: readonly Keypair[],
): SendResult {
  const feePayer = signers[0];
  if (!feePayer) throw new Error('sendInstructions needs at least the fee payer');
  const tx = new Transaction({ feePayer: feePayer.publicKey, recentBlockhash: svm.latestBlockhash() });
  tx.add(...instructions);
  const compiled = tx.compileMessage();
  const message = compiled.serialize();
  const required = compiled.accountKeys.slice(0, compiled.header.numRequiredSignatures);
  for (const key of required) {
    const signer = signers.find((s) => s.publicKey.equals(key));
    if (!signer) throw new Error(`missing signer ${key.toBase58()}`);
    tx.addSignature(key, Buffer.from(signEd25519(message, signer)));
  }
  // The SVM verifies the signatures itself; skipping web3.js's pure-JS check keeps property tests fast.
  const result = svm.sendTransaction(decoder.decode(tx.serialize({ verifySignatures: false })));
  svm.expireBlockhash();
  return result;
}
