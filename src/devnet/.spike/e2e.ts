import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from '@solana/web3.js';
import { readSection } from '../../config/section.js';
import { devnetSection } from '../../config/sections/devnet.js';
import { silentLogger } from '../../observability/logger.js';
import { startDevnet } from '../start.js';

const settings = {
  ...readSection(devnetSection, {}),
  rpcPort: 0,
  wsPort: 0,
  geyserPort: 0,
  slotMs: 100,
  finalityDepth: 4,
};
const devnet = await startDevnet(settings, silentLogger, { inMemory: true });
console.log(devnet.rpcUrl, devnet.wsUrl, devnet.geyserUrl);
const conn = new Connection(devnet.rpcUrl, { wsEndpoint: devnet.wsUrl, commitment: 'confirmed' });
const kp = Keypair.generate();
const sig = await conn.requestAirdrop(kp.publicKey, 2 * LAMPORTS_PER_SOL);
const bh = await conn.getLatestBlockhash();
console.log('airdrop', sig, await conn.confirmTransaction({ signature: sig, ...bh }, 'finalized'));
console.log('balance', await conn.getBalance(kp.publicKey, 'finalized'));
const to = Keypair.generate();
const tx = new Transaction().add(
  SystemProgram.transfer({ fromPubkey: kp.publicKey, toPubkey: to.publicKey, lamports: 1000000 }),
);
const s2 = await sendAndConfirmTransaction(conn, tx, [kp], { commitment: 'confirmed' });
console.log('sent', s2);
const got = await conn.getTransaction(s2, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
console.log('tx', got?.slot, got?.meta?.fee, got?.meta?.logMessages);
console.log('sigs', (await conn.getSignaturesForAddress(kp.publicKey)).length);
console.log(
  'pa',
  (await conn.getProgramAccounts(SystemProgram.programId, { filters: [{ dataSize: 0 }], commitment: 'processed' }))
    .length,
);
console.log(
  'genesis',
  await conn.getGenesisHash(),
  await conn.getVersion(),
  await conn.getSlot('processed'),
  await conn.getBlockHeight(),
);
await devnet.close();
