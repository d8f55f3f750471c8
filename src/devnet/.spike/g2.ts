import Client, { CommitmentLevel, SubscribeRequest } from '@triton-one/yellowstone-grpc';
import { readSection } from '../../config/section.js';
import { devnetSection } from '../../config/sections/devnet.js';
import { createLogger, silentLogger } from '../../observability/logger.js';
import { Signer } from '../ledger/signer.js';
import { transferTransaction } from '../ledger/system-tx.js';
import { decodeTransaction } from '../ledger/wire.js';
import { startDevnet } from '../start.js';

const settings = {
  ...readSection(devnetSection, {}),
  rpcPort: 0,
  wsPort: 0,
  geyserPort: 0,
  slotMs: 0,
  finalityDepth: 2,
};
const devnet = await startDevnet(settings, createLogger({ level: 'debug', format: 'json' }), { inMemory: true });
const client = new Client(devnet.geyserUrl, undefined, undefined);
await client.connect();
console.log(
  'slot',
  await client.getSlot(),
  await client.getVersion(),
  await client.getLatestBlockhash(CommitmentLevel.FINALIZED),
);
const stream = await client.subscribe();
const got: any[] = [];
stream.on('data', (d: any) => {
  got.push(d);
});
stream.on('error', (e: any) => console.log('error', e.message, e.cause?.message));
stream.on('end', () => console.log('end'));
await new Promise<void>((res, rej) =>
  stream.write(
    SubscribeRequest.fromPartial({
      accounts: { a: { owner: ['11111111111111111111111111111111'] } },
      slots: { s: {} },
      transactions: { t: { accountInclude: [] } },
      blocksMeta: { b: {} },
      commitment: CommitmentLevel.PROCESSED,
    }),
    (e: any) => (e ? rej(e) : res()),
  ),
);
await new Promise((r) => setTimeout(r, 200));
const to = Signer.generate();
devnet.ledger.send(
  decodeTransaction(
    transferTransaction(
      devnet.ledger.faucet,
      to.address,
      1000n,
      devnet.ledger.chain.latestBlockhash('processed').blockhash,
    ),
  ),
);
devnet.tick(3);
await new Promise((r) => setTimeout(r, 500));
for (const g of got)
  console.log(JSON.stringify(g, (k, v) => (v && v.type === 'Buffer' ? `<${v.data.length}b>` : v)).slice(0, 300));
devnet.faults.cutStreams();
await new Promise((r) => setTimeout(r, 300));
await devnet.close();
process.exit(0);
