// Seeded random JSON-RPC input against the devnet: every body gets a JSON-RPC answer (a result, or an error with a
// code and a message — never -32603, which would mean a method threw), the server keeps serving, and nothing the
// chain already holds changes. requestAirdrop is left out: minting to a random key is its job, not a failure.
import { Keypair } from '@solana/web3.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { rpcMethods } from '../../src/devnet/rpc/dispatch.js';
import { seedDevnet } from '../../src/devnet/seed.js';
import { silentLogger } from '../../src/observability/logger.js';
import { testDevnet } from './support.js';

const SEED = 1818;
const KNOWN_CODES = new Set([-32700, -32600, -32601, -32602, -32002, -32003, -32015, -32016]);

describe('devnet JSON-RPC under seeded random input', () => {
  let devnet: Devnet;
  let keys: string[];
  let signatures: string[];

  const post = async (body: string) => {
    const res = await fetch(devnet.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, text: await res.text() };
  };
  const call = async (method: string, params: unknown[]) =>
    JSON.parse((await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))).text).result;

  /** What the chain holds now, as the RPC reads it at every commitment. */
  async function stored() {
    const at = async (commitment: string) => ({
      program: await call('getProgramAccounts', [CHOIR_PROGRAM_ID.toBase58(), { encoding: 'base64', commitment }]),
      accounts: await call('getMultipleAccounts', [keys, { encoding: 'base64', commitment }]),
      slot: await call('getSlot', [{ commitment }]),
    });
    return {
      processed: await at('processed'),
      finalized: await at('finalized'),
      statuses: await call('getSignatureStatuses', [signatures, { searchTransactionHistory: true }]),
    };
  }

  beforeAll(async () => {
    devnet = await testDevnet({ finalityDepth: 2 });
    const clock = setInterval(() => devnet.tick(), 20);
    const seeded = await seedDevnet({ rpcUrl: devnet.rpcUrl, logger: silentLogger, threads: 2, messagesPerThread: 3 });
    clearInterval(clock);
    devnet.tick(4);
    const users = Object.values(seeded.keypairs).map((secret) =>
      Keypair.fromSecretKey(Buffer.from(secret, 'base64')).publicKey.toBase58(),
    );
    keys = [...users, ...seeded.threads, ...seeded.messages.map((m) => m.address)].slice(0, 30);
    signatures = seeded.signatures.slice(0, 20);
  }, 120_000);
  afterAll(async () => {
    await devnet?.close();
  });

  it('answers every body with a clear JSON-RPC result or error, stays up, and changes nothing stored', async () => {
    const before = await stored();
    const methods = Object.keys(rpcMethods).filter((m) => m !== 'requestAirdrop');
    const pubkey = fc.oneof(fc.constantFrom(...keys, Keypair.generate().publicKey.toBase58()), fc.string());
    const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(2 ** 64));
    const config = fc.record(
      {
        commitment: fc.oneof(fc.constantFrom('processed', 'confirmed', 'finalized', 'recent', 'max'), fc.string()),
        encoding: fc.oneof(fc.constantFrom('base64', 'base58', 'jsonParsed', 'json', 'base64+zstd'), fc.string()),
        minContextSlot: number,
        dataSlice: fc.record({ offset: number, length: number }),
        filters: fc.array(
          fc.oneof(
            fc.record({ dataSize: number }),
            fc.record({
              memcmp: fc.record({
                offset: number,
                bytes: fc.oneof(fc.string(), fc.base64String()),
                encoding: fc.oneof(fc.constantFrom('base58', 'base64'), fc.string()),
              }),
            }),
            fc.jsonValue(),
          ),
          { maxLength: 6 },
        ),
        limit: number,
        before: fc.string(),
        until: fc.string(),
        searchTransactionHistory: fc.boolean(),
        maxSupportedTransactionVersion: number,
        skipPreflight: fc.boolean(),
        sigVerify: fc.boolean(),
        replaceRecentBlockhash: fc.boolean(),
        withContext: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const param = fc.oneof(pubkey, number, config, fc.array(pubkey, { maxLength: 5 }), fc.jsonValue());
    const request = fc.record(
      {
        jsonrpc: fc.oneof({ weight: 9, arbitrary: fc.constant('2.0') }, { weight: 1, arbitrary: fc.jsonValue() }),
        id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        method: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...methods) }, { weight: 1, arbitrary: fc.string() }),
        params: fc.oneof(
          { weight: 4, arbitrary: fc.array(param, { maxLength: 4 }) },
          { weight: 1, arbitrary: fc.jsonValue() },
        ),
      },
      { requiredKeys: ['jsonrpc', 'method'] },
    );
    const body = fc.oneof(
      { weight: 6, arbitrary: request.map((r) => JSON.stringify(r)) },
      { weight: 2, arbitrary: fc.array(request, { minLength: 1, maxLength: 5 }).map((r) => JSON.stringify(r)) },
      { weight: 1, arbitrary: fc.string() },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null') },
    );

    let internal = 0;
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await post(text);
        expect([200, 413]).toContain(res.status);
        const parsed = JSON.parse(res.text) as unknown;
        const answers = (Array.isArray(parsed) ? parsed : [parsed]) as {
          jsonrpc?: unknown;
          result?: unknown;
          error?: { code?: unknown; message?: unknown };
        }[];
        for (const answer of answers) {
          expect(answer.jsonrpc).toBe('2.0');
          if (answer.error) {
            expect(typeof answer.error.code).toBe('number');
            expect(typeof answer.error.message === 'string' && answer.error.message.length > 0).toBe(true);
            if (answer.error.code === -32603) internal++;
            expect(KNOWN_CODES, `${answer.error.code} ${answer.error.message} for ${text}`).toContain(
              answer.error.code,
            );
          } else expect(answer).toHaveProperty('result');
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(internal).toBe(0);
    expect(await call('getHealth', [])).toBe('ok');
    expect(await stored()).toEqual(before);
  }, 180_000);
});
