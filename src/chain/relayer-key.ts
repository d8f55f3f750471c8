/**
 * Where the relayer's key comes from: RELAYER_KEYPAIR (a keypair file or a base58 secret), or on the local devnet a
 * key persisted beside the chain's data so restarts keep the same, already funded, fee payer.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Keypair } from '@solana/web3.js';
import bs58 from 'bs58';
import { ChoirError } from '../errors/index.js';

function fromSecret(bytes: Uint8Array, source: string): Keypair {
  try {
    if (bytes.length === 64) return Keypair.fromSecretKey(bytes);
    if (bytes.length === 32) return Keypair.fromSeed(bytes);
  } catch (err) {
    throw new ChoirError('CONFIG_INVALID', `RELAYER_KEYPAIR: ${source} is not a valid ed25519 secret key`, {
      cause: err,
    });
  }
  throw new ChoirError(
    'CONFIG_INVALID',
    `RELAYER_KEYPAIR: ${source} holds ${bytes.length} bytes; expected a 64-byte secret key (or a 32-byte seed)`,
  );
}

/** Parses RELAYER_KEYPAIR: a path to a JSON array of bytes, or the base58 secret itself. */
export function parseRelayerKeypair(value: string): Keypair {
  const trimmed = value.trim();
  if (existsSync(trimmed)) {
    let bytes: unknown;
    try {
      bytes = JSON.parse(readFileSync(trimmed, 'utf8'));
    } catch (err) {
      throw new ChoirError('CONFIG_INVALID', `RELAYER_KEYPAIR: ${trimmed} is not a JSON array of bytes`, {
        cause: err,
      });
    }
    if (!Array.isArray(bytes) || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
      throw new ChoirError('CONFIG_INVALID', `RELAYER_KEYPAIR: ${trimmed} is not a JSON array of bytes`);
    }
    return fromSecret(Uint8Array.from(bytes as number[]), trimmed);
  }
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(trimmed);
  } catch {
    throw new ChoirError(
      'CONFIG_INVALID',
      'RELAYER_KEYPAIR is neither an existing file nor a base58 secret key (example: RELAYER_KEYPAIR=/etc/choir/relayer.json)',
    );
  }
  return fromSecret(bytes, 'the base58 secret');
}

/** The devnet's relayer key at `path`, created on first use (mode 0600: it is a secret, even a dev one). */
export function devnetRelayerKeypair(path: string): Keypair {
  const file = resolve(path);
  if (existsSync(file)) return parseRelayerKeypair(file);
  const keypair = Keypair.generate();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify([...keypair.secretKey]), { mode: 0o600 });
  return keypair;
}
