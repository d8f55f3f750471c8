import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Keypair, PublicKey } from '@solana/web3.js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  findMessageAddress,
  messageCanonicalMessage,
  threadCanonicalMessage,
  voteCanonicalMessage,
} from './browser.js';
import { CHOIR_PROGRAM_ID } from './program-id.js';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

describe('the browser-safe program client', () => {
  it('builds the canonical messages byte for byte as the README lays them out (checked against node:crypto)', () => {
    const thread = Keypair.generate().publicKey;
    const keys = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    const threadId = randomBytes(32);
    const content = 'héllo — ✓';
    expect(Buffer.from(contentHash(content))).toEqual(sha(Buffer.from(content, 'utf8')));

    const msg = messageCanonicalMessage(thread, contentHash(content));
    expect(Buffer.from(msg)).toEqual(
      Buffer.concat([Buffer.from('CHOIR_MSG_V1'), thread.toBuffer(), sha(Buffer.from(content))]),
    );
    expect(Buffer.from(voteCanonicalMessage(thread, false))).toEqual(
      Buffer.concat([Buffer.from('CHOIR_VOTE_V1'), thread.toBuffer(), Buffer.of(0)]),
    );
    const stake = Buffer.alloc(8);
    stake.writeBigUInt64LE(12_345n);
    const lifetime = Buffer.alloc(8);
    lifetime.writeBigInt64LE(-7n);
    const expected = Buffer.concat([
      Buffer.from('CHOIR_THREAD_V2'),
      CHOIR_PROGRAM_ID.toBuffer(),
      threadId,
      sha(...keys.map((k) => k.toBuffer())),
      stake,
      lifetime,
    ]);
    const built = threadCanonicalMessage({ threadId, coAuthors: keys, minStake: 12_345n, specLifetime: -7n });
    expect(built).toHaveLength(127);
    expect(Buffer.from(built)).toEqual(expected);
    expect(() => threadCanonicalMessage({ threadId, coAuthors: keys, minStake: -1n })).toThrow(/u64/);
  });

  it('derives message addresses from Uint8Array seeds as from Buffers', () => {
    const thread = Keypair.generate().publicKey;
    const hash = contentHash('x');
    const [address] = findMessageAddress(thread, hash);
    const [viaBuffers] = PublicKey.findProgramAddressSync(
      [Buffer.from('message'), thread.toBuffer(), Buffer.from(hash)],
      CHOIR_PROGRAM_ID,
    );
    expect(address.toBase58()).toBe(viaBuffers.toBase58());
  });

  it('bundles for a browser without any node:* module', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./browser.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || /program-id\.ts$/.test(i))).toEqual([]);
    expect(inputs.some((i) => i.endsWith('canonical.ts'))).toBe(true);
  });
});
