/**
 * Signers: whoever holds an ed25519 key. The SDK only needs `signMessage` (relayed actions, sign-in) and, for
 * wallet-paid actions, `signTransaction` over wire bytes. A wallet adapter provides both; `keypairSigner` makes one
 * from a secret key with WebCrypto (Node 20 and current browsers), so the same code runs in both.
 */
import { VersionedTransaction } from '@solana/web3.js';
import bs58 from 'bs58';
import { uiError } from './errors.js';

export interface Signer {
  /** Base58 public key. */
  readonly publicKey: string;
  /** A raw ed25519 signature (64 bytes) of `message`, as Wallet Standard's `solana:signMessage` returns it. */
  signMessage(message: Uint8Array): Promise<Uint8Array>;
  /** The transaction (wire bytes) with this key's signature added; absent for signers that only sign messages. */
  signTransaction?(transaction: Uint8Array): Promise<Uint8Array>;
}

const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function subtle(): typeof globalThis.crypto.subtle {
  const s = globalThis.crypto?.subtle;
  if (!s) throw uiError('this environment has no WebCrypto (crypto.subtle): use a wallet to sign');
  return s;
}

/**
 * A signer for a secret key: 32 bytes (the seed) or 64 (Solana's keypair format: seed || public key, as
 * solana-keygen and web3.js Keypair.secretKey hold it).
 */
export async function keypairSigner(secretKey: Uint8Array): Promise<Signer> {
  if (secretKey.length !== 32 && secretKey.length !== 64) {
    throw uiError(`a secret key is 32 or 64 bytes, got ${secretKey.length}`);
  }
  const seed = secretKey.subarray(0, 32);
  const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  pkcs8.set(PKCS8_ED25519_PREFIX);
  pkcs8.set(seed, PKCS8_ED25519_PREFIX.length);
  // Extractable only so the public key can be derived (via JWK); the seed never leaves this closure otherwise.
  const key = await subtle().importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await subtle().exportKey('jwk', key);
  if (!jwk.x) throw uiError('WebCrypto returned an Ed25519 key without its public part');
  const publicBytes = base64UrlDecode(jwk.x);
  if (secretKey.length === 64 && !equal(publicBytes, secretKey.subarray(32))) {
    throw uiError('the secret key does not match the public key stored with it');
  }
  const publicKey = bs58.encode(publicBytes);
  const signMessage = async (message: Uint8Array) =>
    new Uint8Array(await subtle().sign({ name: 'Ed25519' }, key, message as Uint8Array<ArrayBuffer>));
  return {
    publicKey,
    signMessage,
    async signTransaction(wire) {
      const tx = VersionedTransaction.deserialize(wire);
      const signers = tx.message.staticAccountKeys.slice(0, tx.message.header.numRequiredSignatures);
      if (!signers.some((k) => k.toBase58() === publicKey)) {
        throw uiError(`the transaction does not ask ${publicKey} to sign it`);
      }
      tx.addSignature(signers.find((k) => k.toBase58() === publicKey)!, await signMessage(tx.message.serialize()));
      return tx.serialize();
    },
  };
}

/** A fresh random key (development keypairs): the 32-byte seed, to keep, and its signer. */
export async function generateKeypairSigner(): Promise<{ secretKey: Uint8Array; signer: Signer }> {
  const secretKey = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return { secretKey, signer: await keypairSigner(secretKey) };
}

function base64UrlDecode(text: string): Uint8Array {
  const b64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const raw = atob(b64);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function equal(a: Uint8Array, b: Uint8Array) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export const encodeSignature = (signature: Uint8Array) => bs58.encode(signature);
