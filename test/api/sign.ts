import { createPrivateKey, sign } from 'node:crypto';
import type { Keypair } from '@solana/web3.js';
import bs58 from 'bs58';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A wallet's ed25519 signature (base58) of `message`, as a browser wallet's signMessage would make it. */
export function walletSign(keypair: Keypair, message: Uint8Array | string): string {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, Buffer.from(keypair.secretKey.subarray(0, 32))]),
    format: 'der',
    type: 'pkcs8',
  });
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return bs58.encode(sign(null, bytes, key));
}
