import { silentLogger } from '../../observability/logger.js';
import { Ledger } from '../ledger/ledger.js';
import { Signer } from '../ledger/signer.js';
import { createAccountTransaction, transferTransaction } from '../ledger/system-tx.js';
import { decodeTransaction } from '../ledger/wire.js';

const ledger = Ledger.open({
  dataDir: '/tmp/spike/l1',
  finalityDepth: 3,
  historySlots: 100,
  program: null,
  logger: silentLogger,
});
const to = Signer.generate();
const bh = ledger.chain.latestBlockhash('processed').blockhash;
const ex = ledger.send(decodeTransaction(transferTransaction(ledger.faucet, to.address, 5_000_000_000n, bh)));
console.log(ex.landed, ex.landed && ex.record.logs, ex.landed && ex.writes.length);
const acct = Signer.generate();
const ex2 = ledger.send(
  decodeTransaction(
    createAccountTransaction(to, acct, 10_000_000n, 64, 'BPFLoaderUpgradeab1e11111111111111111111111', bh),
  ),
);
console.log(ex2.landed, ex2.landed && ex2.record.err, ex2.landed && ex2.writes.map((w) => w.after?.owner));
console.log(
  'confirmed view',
  ledger.getAccount(to.address, 'confirmed'),
  ledger.getAccount(to.address, 'processed')?.lamports,
);
for (let i = 0; i < 5; i++) ledger.tick();
console.log(
  'after ticks',
  ledger.chain.openSlot,
  ledger.chain.confirmedSlot,
  ledger.chain.finalizedSlot,
  ledger.getAccount(to.address, 'finalized')?.lamports,
);
const ex3 = ledger.send(
  decodeTransaction(transferTransaction(to, acct.address, 1n, ledger.chain.latestBlockhash('processed').blockhash)),
);
console.log(ex3.landed, ledger.getAccount(to.address)?.lamports);
ledger.abandonSlot();
console.log(
  'after abandon',
  ledger.getAccount(to.address)?.lamports,
  ledger.getTransaction((ex3 as any).record.signature),
);
ledger.tick();
console.log(ledger.events.nextSeq, ledger.currentWriteVersion);
ledger.flush();
const again = Ledger.open({
  dataDir: '/tmp/spike/l1',
  finalityDepth: 3,
  historySlots: 100,
  program: null,
  logger: silentLogger,
});
console.log(
  'restored',
  again.chain.openSlot,
  again.events.nextSeq,
  again.currentWriteVersion,
  again.getAccount(to.address)?.lamports,
  again.genesisHash === ledger.genesisHash,
);
