import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import bs58 from 'bs58';

// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 keypair signing with node:crypto (much faster than web3.js's re-verifying serialize). */
export class Signer {
  readonly publicKey: Uint8Array;
  readonly address: string;
  private readonly key: KeyObject;

  constructor(readonly seed: Uint8Array) {
    this.key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.key).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(spki.length - 32));
    this.address = bs58.encode(this.publicKey);
  }

  static generate(): Signer {
    return new Signer(randomBytes(32));
  }

  /** 64-byte secret key in the layout of Solana CLI key files and web3.js `Keypair.fromSecretKey`. */
  get secretKey(): Uint8Array {
    return Uint8Array.from([...this.seed, ...this.publicKey]);
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.key));
  }
}
