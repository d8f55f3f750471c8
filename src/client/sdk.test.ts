/** Unit tests of the SDK's pieces that need no server: browser bundling, signers, sessions, error categories. */
import { createPublicKey, verify } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Keypair, SystemProgram, Transaction } from '@solana/web3.js';
import bs58 from 'bs58';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ChoirError, Recovery } from '../errors/index.js';
import {
  fromGraphqlErrors,
  frontendCategory,
  frontendRecovery,
  networkError,
  staleStateError,
  uiError,
} from './errors.js';
import { createHttpTransport } from './http.js';
import { memorySessionStorage, Sessions, webSessionStorage } from './session.js';
import { keypairSigner } from './signer.js';

describe('choir/client', () => {
  it('bundles for a browser without any node:* module (Node-only parts live in choir/client/node)', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('src/client/node.ts'))).toEqual([]);
    expect(inputs.some((i) => i.endsWith('src/client/choir-client.ts'))).toBe(true);
  });
});

describe('keypairSigner', () => {
  it('signs as the Solana keypair would, and adds its signature to a prepared transaction', async () => {
    const keypair = Keypair.generate();
    const signer = await keypairSigner(keypair.secretKey);
    expect(signer.publicKey).toBe(keypair.publicKey.toBase58());
    const message = new TextEncoder().encode('CHOIR_MSG_V1 test');
    const signature = await signer.signMessage(message);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), keypair.publicKey.toBuffer()]);
    expect(verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature)).toBe(true);

    const tx = new Transaction({
      feePayer: keypair.publicKey,
      recentBlockhash: bs58.encode(new Uint8Array(32).fill(7)),
    });
    tx.add(
      SystemProgram.transfer({ fromPubkey: keypair.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1 }),
    );
    const wire = tx.serialize({ requireAllSignatures: false, verifySignatures: false });
    const signed = Transaction.from(await signer.signTransaction!(wire));
    expect(signed.verifySignatures()).toBe(true);
    const stranger = await keypairSigner(Keypair.generate().secretKey);
    await expect(stranger.signTransaction!(wire)).rejects.toMatchObject({ code: 'CLIENT_UI' });
  });

  it('refuses keys of the wrong size or whose halves do not match', async () => {
    await expect(keypairSigner(new Uint8Array(31))).rejects.toMatchObject({ code: 'CLIENT_UI' });
    const mismatched = Uint8Array.from([...Keypair.generate().secretKey.subarray(0, 32), ...new Uint8Array(32)]);
    await expect(keypairSigner(mismatched)).rejects.toThrow(/does not match/);
  });
});

describe('Sessions', () => {
  const answers = (token: string, expiresAt: string) =>
    createHttpTransport({
      url: 'http://api/graphql',
      fetch: (async (_url: string, init: { body: string }) => {
        const { query } = JSON.parse(init.body) as { query: string };
        const data = query.includes('authChallenge')
          ? { authChallenge: { message: 'sign me', expiresAt } }
          : { signIn: { token, publicKey: 'will-be-replaced', expiresAt } };
        return new Response(JSON.stringify({ data }));
      }) as unknown as typeof fetch,
    });

  it('signs in with the signer, keeps the session where a reload finds it, and refreshes it near its end', async () => {
    const keypair = Keypair.generate();
    const signer = await keypairSigner(keypair.secretKey);
    const items = new Map<string, string>();
    const storage = webSessionStorage({
      getItem: (k) => items.get(k) ?? null,
      setItem: (k, v) => void items.set(k, v),
      removeItem: (k) => void items.delete(k),
    });
    let now = Date.parse('2026-01-01T00:00:00Z');
    const sessions = new Sessions(answers('t1', '2026-01-01T01:00:00.000Z'), { storage, now: () => now });
    const session = await sessions.signIn(signer);
    expect(session.token).toBe('t1');
    expect(sessions.authorization()).toBe('Bearer t1');
    // A reloaded page: a new Sessions over the same storage has it.
    const reloaded = new Sessions(answers('t2', '2026-01-01T02:00:00.000Z'), { storage, now: () => now });
    expect(reloaded.current()?.token).toBe('t1');
    now = Date.parse('2026-01-01T00:57:00Z'); // 3 of 60 minutes left: under the 10% mark
    expect(sessions.needsRefresh()).toBe(true);
    now = Date.parse('2026-01-01T01:00:01Z');
    expect(reloaded.current()).toBeNull(); // expired: dropped
    expect(items.size).toBe(0);
  });

  it('drops stored sessions that are malformed or expired', () => {
    const storage = memorySessionStorage({ token: 't', publicKey: 'k', expiresAt: '2000-01-01T00:00:00.000Z' });
    const sessions = new Sessions(answers('x', ''), { storage });
    expect(sessions.current()).toBeNull();
    expect(storage.load()).toBeNull();
    const broken = webSessionStorage({ getItem: () => '{not json', setItem: () => {}, removeItem: () => {} });
    expect(broken.load()).toBeNull();
  });
});

describe('frontend error categories', () => {
  it('sorts every error into Network, State or UI, each with its recovery', () => {
    expect(frontendCategory(networkError('down'))).toBe('Network');
    expect(frontendRecovery(networkError('down'))).toBe(Recovery.Reconnect);
    expect(frontendCategory(new ChoirError('RATE_LIMITED', 'slow down'))).toBe('Network');
    expect(frontendRecovery(new ChoirError('RATE_LIMITED', 'slow down'))).toBe(Recovery.RetryWithBackoff);
    expect(frontendCategory(staleStateError('gap'))).toBe('State');
    expect(frontendCategory(new ChoirError('CURSOR_INVALID', 'old'))).toBe('State');
    expect(frontendRecovery(staleStateError('gap'))).toBe(Recovery.RecomputeState);
    expect(frontendCategory(uiError('empty'))).toBe('UI');
    expect(frontendCategory(new ChoirError('NOT_CO_AUTHOR', 'no'))).toBe('UI');
    expect(frontendRecovery(new ChoirError('NOT_CO_AUTHOR', 'no'))).toBe(Recovery.FixInput);
    expect(frontendRecovery(new ChoirError('SESSION_EXPIRED', 'again'))).toBe(Recovery.RestoreSession);
    expect(frontendCategory(new TypeError('boom'))).toBe('UI');
  });

  it("keeps the API's code, and unknown codes as INTERNAL with the server's code in details", () => {
    expect(fromGraphqlErrors([{ message: 'dup', extensions: { code: 'DUPLICATE_CONTENT' } }]).code).toBe(
      'DUPLICATE_CONTENT',
    );
    const unknown = fromGraphqlErrors([{ message: 'bad', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    expect(unknown.code).toBe('INTERNAL');
    expect(unknown.details.serverCode).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
