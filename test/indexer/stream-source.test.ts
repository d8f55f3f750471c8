// The StreamSource contract against the in-memory source and the Yellowstone source (official client, the devnet's
// Geyser server, real transactions).
import { Keypair } from '@solana/web3.js';
import { afterAll } from 'vitest';
import { MemorySource } from '../../indexer/source/memory-source.js';
import { yellowstoneSource } from '../../indexer/source/yellowstone-source.js';
import type { Devnet } from '../../src/devnet/index.js';
import { ChainDriver, startTestDevnet } from './devnet-driver.js';
import { newThread } from './fixtures.js';
import { rawSlotStatus, rawThreadUpdate } from './raw-updates.js';
import { describeStreamSource } from './stream-source.contract.js';

describeStreamSource('memory', async () => {
  const source = new MemorySource();
  let slot = 100;
  return {
    source,
    nextSlot: () => BigInt(slot),
    async produce(n) {
      const slots: bigint[] = [];
      for (let i = 0; i < n; i++, slot++) {
        source.append(BigInt(slot), rawThreadUpdate(newThread(), slot, slot), rawSlotStatus(slot, slot - 1));
        slots.push(BigInt(slot));
      }
      return slots;
    },
  };
});

const devnets: Devnet[] = [];
afterAll(async () => {
  for (const d of devnets) await d.close();
});

describeStreamSource('yellowstone (devnet Geyser server)', async () => {
  const devnet = await startTestDevnet();
  devnets.push(devnet);
  const chain = new ChainDriver(devnet);
  chain.fund(chain.payer.publicKey, 1_000_000_000_000n);
  devnet.tick();
  return {
    source: yellowstoneSource({ url: devnet.geyserUrl, xToken: undefined, pingDeadlineMs: 5_000 }),
    nextSlot: () => BigInt(devnet.ledger.chain.openSlot),
    async produce(n) {
      const slots: bigint[] = [];
      for (let i = 0; i < n; i++) {
        slots.push(BigInt(devnet.ledger.chain.openSlot));
        chain.createThread([chain.payer, Keypair.generate()]);
        devnet.tick();
      }
      return slots;
    },
  };
});
