import { Keypair, SystemProgram, Transaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.js';
import { MAX_REQUEST_BODY_BYTES } from '../../src/devnet/rpc/http-server.js';
import { funded, testDevnet } from './support.js';

describe('devnet JSON-RPC: bad input gets JSON-RPC errors, never a crash', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await testDevnet();
  });
  afterAll(async () => {
    await devnet.close();
  });

  const post = async (body: string) => {
    const res = await fetch(devnet.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return {
      status: res.status,
      json: (await res.json()) as { error?: { code: number; message: string; data?: unknown } },
    };
  };
  const call = (method: string, params?: unknown) =>
    post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })).then((r) => r.json);

  it('answers malformed JSON with -32700 and non-requests with -32600', async () => {
    expect((await post('{"jsonrpc": "2.0", "method": ')).json.error?.code).toBe(-32700);
    expect((await post('42')).json.error?.code).toBe(-32600);
    expect((await post('[]')).json.error?.code).toBe(-32600);
    expect((await post('{"jsonrpc":"1.0","id":1,"method":"getSlot"}')).json.error?.code).toBe(-32600);
  });

  it('answers unknown methods with -32601, also inside a batch', async () => {
    expect((await call('getEverything')).error?.code).toBe(-32601);
    expect((await call('__proto__')).error?.code).toBe(-32601);
    const batch = await post(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'getSlot' },
        { jsonrpc: '2.0', id: 2, method: 'nope' },
      ]),
    );
    const answers = batch.json as unknown as { id: number; result?: number; error?: { code: number } }[];
    expect(answers.map((a) => a.id)).toEqual([1, 2]);
    expect(typeof answers[0]?.result).toBe('number');
    expect(answers[1]?.error?.code).toBe(-32601);
  });

  it('refuses oversized bodies with HTTP 413', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'getSlot',
      params: ['x'.repeat(MAX_REQUEST_BODY_BYTES)],
    });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.json.error?.code).toBe(-32600);
  });

  it('answers invalid params with -32602', async () => {
    const bad: [string, unknown][] = [
      ['getBalance', ['not-base58-0OIl']],
      ['getBalance', [123]],
      ['getAccountInfo', ['11111111111111111111111111111111', { commitment: 'whenever' }]],
      ['getAccountInfo', ['11111111111111111111111111111111', { encoding: 'base64+zstd' }]],
      [
        'getProgramAccounts',
        ['11111111111111111111111111111111', { filters: [{ memcmp: { offset: -1, bytes: '1' } }] }],
      ],
      // Not base64: Node's decoder would skip the characters and match every account with zero bytes.
      [
        'getProgramAccounts',
        [
          '11111111111111111111111111111111',
          { filters: [{ memcmp: { offset: 0, bytes: '!!!', encoding: 'base64' } }] },
        ],
      ],
      ['getProgramAccounts', ['11111111111111111111111111111111', { filters: [{ dataSize: 1 }, {}, {}, {}, {}] }]],
      ['getProgramAccounts', ['11111111111111111111111111111111', { filters: [{ bogus: true }] }]],
      ['getMultipleAccounts', ['11111111111111111111111111111111']],
      ['sendTransaction', ['!!!not base58!!!']],
      ['sendTransaction', ['AAAA', { encoding: 'base64' }]],
      ['getSignatureStatuses', [['short']]],
      [
        'getTransaction',
        ['1111111111111111111111111111111111111111111111111111111111111111', { commitment: 'processed' }],
      ],
      ['getSignaturesForAddress', ['11111111111111111111111111111111', { limit: 5000 }]],
      ['requestAirdrop', ['11111111111111111111111111111111', -5]],
      ['getMinimumBalanceForRentExemption', ['lots']],
      ['getSlot', 'not-an-array'],
    ];
    for (const [method, params] of bad) {
      const answer = await call(method, params);
      expect(answer.error?.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
    }
  });

  it('reports a failed preflight as -32002 with err and logs, and a bad signature as -32003', async () => {
    const payer = funded(devnet);
    const blockhash = devnet.ledger.chain.latestBlockhash('processed').blockhash;
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1e15 }),
    );
    tx.sign(payer);
    const failing = await call('sendTransaction', [tx.serialize().toString('base64'), { encoding: 'base64' }]);
    expect(failing.error?.code).toBe(-32002);
    expect(failing.error?.data).toMatchObject({ err: { InstructionError: [0, { Custom: 1 }] } });
    expect(JSON.stringify(failing.error?.data)).toContain('insufficient lamports');

    const forged = tx.serialize();
    forged[10] = (forged[10] ?? 0) ^ 0xff;
    const unsigned = await call('sendTransaction', [
      forged.toString('base64'),
      { encoding: 'base64', skipPreflight: true },
    ]);
    expect(unsigned.error?.code).toBe(-32003);

    const stale = new Transaction({
      feePayer: payer.publicKey,
      recentBlockhash: Keypair.generate().publicKey.toBase58(),
    }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1 }),
    );
    stale.sign(payer);
    const expired = await call('sendTransaction', [stale.serialize().toString('base64'), { encoding: 'base64' }]);
    expect(expired.error?.code).toBe(-32002);
    expect(expired.error?.data).toMatchObject({ err: 'BlockhashNotFound' });
  });

  it('keeps serving after all of that', async () => {
    expect((await call('getHealth')).error).toBeUndefined();
  });
});

describe('devnet start', () => {
  it('names the variable to change when a port is taken', async () => {
    const first = await testDevnet();
    const port = Number(new URL(first.rpcUrl).port);
    await expect(testDevnet({ rpcPort: port })).rejects.toThrow(/port \d+ is in use; set DEVNET_RPC_PORT/);
    const geyserPort = Number(new URL(first.geyserUrl).port);
    await expect(testDevnet({ geyserPort })).rejects.toThrow(/set DEVNET_GEYSER_PORT/);
    await first.close();
  });
});
