// Seeded random Subscribe requests against the devnet's Geyser server: every request is served (the stream stays
// open and answers a ping) or refused with a status a client can act on (INVALID_ARGUMENT / OUT_OF_RANGE — never
// INTERNAL, which would mean the server tripped over it), the server keeps streaming to a subscriber that was there
// before, and nothing the chain holds changes. Undecodable bytes may end in INTERNAL ("Error deserializing
// request"), as they do on tonic-based providers.
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { Keypair } from '@solana/web3.js';
import { CommitmentLevel, SubscribeRequest, SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.js';
import { funded, subscribe, testDevnet, transferAndTick, until } from './support.js';

const SEED = 1818;
const SYSTEM = '11111111111111111111111111111111';

interface Outcome {
  readonly live: boolean;
  readonly code?: number;
  readonly details?: string;
}

/** Sends `bytes` as the Subscribe request, then a ping: live when the pong comes back, else the status it ended with. */
function trySubscribe(client: Client, bytes: Uint8Array): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const call = client.makeBidiStreamRequest(
      '/geyser.Geyser/Subscribe',
      (b: Buffer) => b,
      (b: Buffer) => b,
      new Metadata(),
    );
    const timer = setTimeout(() => {
      call.cancel();
      reject(new Error('no pong and no status within 5 s'));
    }, 5_000);
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      call.removeAllListeners('error');
      call.on('error', () => {});
      call.cancel();
      resolve(outcome);
    };
    call.on('data', (buf: Buffer) => {
      if (SubscribeUpdate.decode(buf).pong?.id === 77) finish({ live: true });
    });
    call.on('error', (err: { code: number; details: string }) =>
      finish({ live: false, code: err.code, details: err.details }),
    );
    call.write(Buffer.from(bytes));
    call.write(Buffer.from(SubscribeRequest.encode(SubscribeRequest.fromPartial({ ping: { id: 77 } })).finish()));
  });
}

describe('devnet Geyser Subscribe under seeded random requests', () => {
  let devnet: Devnet;
  let client: Client;
  const keys: string[] = [];

  beforeAll(async () => {
    devnet = await testDevnet();
    const payer = funded(devnet);
    transferAndTick(devnet, payer);
    keys.push(payer.publicKey.toBase58(), SYSTEM, Keypair.generate().publicKey.toBase58());
    client = new Client(new URL(devnet.geyserUrl).host, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await devnet?.close();
  });

  it('serves or refuses every request clearly, keeps streaming to others, and changes nothing', async () => {
    const witness = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ accounts: { sys: { owner: [SYSTEM] } } }),
    );
    const before = {
      slot: devnet.ledger.chain.openSlot,
      accounts: keys.map((k) => devnet.ledger.getAccount(k, 'processed')),
    };

    const u64 = fc.oneof(fc.nat({ max: 300 }).map(String), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String));
    const pubkeys = fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...keys) },
        { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
      ),
      { maxLength: 3 },
    );
    /** Mostly absent: blocks and entries are refused by the devnet, so they would drown everything else. */
    const rarely = <T>(arb: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 9, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: arb });
    const name = fc.string({ maxLength: 12 });
    const dataFilter = fc.oneof(
      fc.record({
        memcmp: fc.oneof(
          fc.record({ offset: u64, bytes: fc.uint8Array({ maxLength: 140 }) }),
          fc.record({ offset: u64, base58: fc.string({ maxLength: 60 }) }),
          fc.record({
            offset: u64,
            base64: fc.oneof(fc.string({ maxLength: 60 }), fc.base64String({ maxLength: 60 })),
          }),
          fc.record({ offset: u64 }),
        ),
      }),
      fc.record({ datasize: u64 }),
      fc.record({ tokenAccountState: fc.boolean() }),
      fc.record({
        lamports: fc.oneof(fc.record({ eq: u64 }), fc.record({ lt: u64 }), fc.record({ gt: u64 }), fc.record({})),
      }),
      fc.constant({}),
    );
    const accounts = fc.dictionary(
      name,
      fc.record(
        {
          account: pubkeys,
          owner: pubkeys,
          filters: fc.array(dataFilter, { maxLength: 5 }),
          nonemptyTxnSignature: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    );
    const transactions = fc.dictionary(
      name,
      fc.record(
        {
          vote: fc.boolean(),
          failed: fc.boolean(),
          signature: fc.string({ maxLength: 90 }),
          accountInclude: pubkeys,
          accountExclude: pubkeys,
          accountRequired: pubkeys,
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 2 },
    );
    const request = fc.record(
      {
        accounts,
        slots: fc.dictionary(name, fc.record({ filterByCommitment: fc.boolean() }, { requiredKeys: [] }), {
          maxKeys: 2,
        }),
        transactions,
        transactionsStatus: transactions,
        blocks: rarely(fc.dictionary(name, fc.constant({}), { maxKeys: 1 })),
        blocksMeta: fc.dictionary(name, fc.constant({}), { maxKeys: 2 }),
        entry: rarely(fc.dictionary(name, fc.constant({}), { maxKeys: 1 })),
        commitment: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom(CommitmentLevel.PROCESSED, CommitmentLevel.CONFIRMED, CommitmentLevel.FINALIZED),
          },
          { weight: 1, arbitrary: fc.integer({ min: -2, max: 9 }) },
        ),
        accountsDataSlice: fc.array(fc.record({ offset: u64, length: u64 }), { maxLength: 3 }),
        fromSlot: fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 8 }).map(String) }, { weight: 1, arbitrary: u64 }),
      },
      { requiredKeys: [] },
    );
    const structured = request.map((r) => ({
      bytes: SubscribeRequest.encode(SubscribeRequest.fromPartial(r as never)).finish(),
      decodable: true,
    }));
    const raw = fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes, decodable: false }));

    const codes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: structured }, { weight: 1, arbitrary: raw }), async (input) => {
        const outcome = await trySubscribe(client, input.bytes);
        const key = outcome.live ? 'live' : status[outcome.code as number];
        codes[key as string] = (codes[key as string] ?? 0) + 1;
        if (outcome.live) return;
        expect(outcome.details?.length ?? 0).toBeGreaterThan(0);
        const allowed = [status.INVALID_ARGUMENT, status.OUT_OF_RANGE];
        if (!input.decodable) allowed.push(status.INTERNAL);
        expect(allowed, `${status[outcome.code as number]}: ${outcome.details}`).toContain(outcome.code);
      }),
      { seed: Number(process.env.FZ_SEED ?? SEED), numRuns: Number(process.env.FZ_RUNS ?? 300) },
    );
    console.info(`[geyser fuzz] outcomes: ${JSON.stringify(codes)}`);

    // Nothing changed, and the stream that was there before still streams.
    expect({
      slot: devnet.ledger.chain.openSlot,
      accounts: keys.map((k) => devnet.ledger.getAccount(k, 'processed')),
    }).toEqual(before);
    const seen = witness.updates.length;
    transferAndTick(devnet, funded(devnet));
    await until(() => witness.updates.length > seen, 'the witness subscription to get the new transfer');
    expect(witness.errors).toEqual([]);
    witness.close();
  }, 180_000);
});
