// Subscribe requests a real provider refuses must be refused here too, with the status the client can act on:
// memcmp data that does not decode (base58 or base64) and a from_slot the chain has not reached.
import type { Keypair } from '@solana/web3.js';
import { SubscribeRequest } from '@triton-one/yellowstone-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.js';
import { funded, statusText, subscribe, testDevnet, transferAndTick, until } from './support.js';

const SYSTEM = '11111111111111111111111111111111';

describe('devnet Geyser: Subscribe requests that cannot be served', () => {
  let devnet: Devnet;
  let payer: Keypair;
  beforeAll(async () => {
    devnet = await testDevnet();
    payer = funded(devnet);
    transferAndTick(devnet, payer);
  });
  afterAll(async () => {
    await devnet.close();
  });

  const memcmp = (data: { base58?: string; base64?: string }) =>
    SubscribeRequest.fromPartial({
      accounts: { sys: { owner: [SYSTEM], filters: [{ memcmp: { offset: '0', ...data } }] } },
      slots: { s: {} },
    });

  /**
   * The status a request ends with (null: the stream stays open) and how many account updates it got for one
   * transfer. Requests carry a slot filter: the tick's slot update comes after the transfer's account updates.
   */
  async function outcome(request: SubscribeRequest): Promise<{ text: string | null; updates: number }> {
    const stream = await subscribe(devnet.geyserUrl, request);
    if (stream.errors.length === 0) {
      transferAndTick(devnet, payer);
      await until(() => stream.errors.length > 0 || stream.updates.some((u) => u.slot), 'a slot update or an error');
    }
    const result = {
      text: stream.errors[0] ? statusText(stream.errors[0]) : null,
      updates: stream.updates.filter((u) => u.account).length,
    };
    stream.close();
    return result;
  }

  it('rejects memcmp data that is not base64 with INVALID_ARGUMENT, as it does invalid base58', async () => {
    for (const data of [{ base64: '!!!' }, { base64: 'AAA' }, { base64: 'A===' }, { base58: '0OIl' }]) {
      const { text, updates } = await outcome(memcmp(data));
      expect(text, JSON.stringify(data)).toMatch(/invalid argument/i);
      expect(text).toMatch(/invalid memcmp base(58|64)/);
      expect(updates).toBe(0);
    }
  });

  it('accepts well-formed base64 and matches only what it names', async () => {
    // System accounts have no data: a one-byte memcmp at offset 0 matches none, an empty one matches all.
    expect(await outcome(memcmp({ base64: 'AA==' }))).toEqual({ text: null, updates: 0 });
    const all = await outcome(memcmp({ base64: '' }));
    expect(all.text).toBeNull();
    expect(all.updates).toBeGreaterThan(0);
  });

  it('refuses a from_slot past the next slot, naming the newest one; the next slot itself is live', async () => {
    const open = devnet.ledger.chain.openSlot;
    const future = await outcome(SubscribeRequest.fromPartial({ slots: { s: {} }, fromSlot: String(open + 1000) }));
    expect(future.text).toMatch(/invalid argument/i);
    expect(future.text).toContain(`from_slot ${open + 1000} is in the future: the newest slot is ${open}`);
    // The indexer resumes from its cursor + 1, which may be the slot about to open: that is live, not an error.
    const next = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ slots: { s: {} }, fromSlot: String(open + 1) }),
    );
    devnet.tick();
    await until(() => next.updates.length > 0 || next.errors.length > 0, 'a slot update');
    expect(next.errors).toEqual([]);
    next.close();
  });

  it("keeps serving after refusing: a plain owner filter gets the transfer's two accounts", async () => {
    const plain = SubscribeRequest.fromPartial({ accounts: { sys: { owner: [SYSTEM] } }, slots: { s: {} } });
    expect(await outcome(plain)).toEqual({ text: null, updates: 2 });
  });
});
