import { SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { encodeAccountFast } from '../geyser/account-wire.js';
import { encodeAccount } from '../geyser/encode.js';
import { Signer } from '../ledger/signer.js';

const mk = (i: number) => ({
  kind: 'account' as const,
  seq: 1,
  slot: 5 + i,
  pubkey: Signer.generate().address,
  account: {
    lamports: 123n + BigInt(i),
    owner: '11111111111111111111111111111111',
    executable: i % 2 === 0,
    rentEpoch: 18446744073709551615n,
    data: new Uint8Array([1, 2, 3, i & 255]),
  },
  writeVersion: 77n + BigInt(i),
  txnSignature:
    i % 3 ? null : '5VnUU6hUan1xGoFLrLtWtb525qWsRGpNtndH2UQLmbe4pmbQ5MNUjFtyCH2NeeVtCZoRymRFZUScs72vuK9FFbte',
});
for (let i = 0; i < 6; i++) {
  const ev = mk(i);
  for (const slices of [[], [{ offset: 1, length: 2 }]]) {
    const a = SubscribeUpdate.decode(encodeAccount(ev, ['x', 'yy'], slices));
    const b = SubscribeUpdate.decode(encodeAccountFast(ev, ['x', 'yy'], slices));
    a.createdAt = undefined;
    b.createdAt = undefined;
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      console.log('DIFF', JSON.stringify(a), JSON.stringify(b));
    }
  }
}
const evs = Array.from({ length: 1000 }, (_, i) => mk(i));
let t = process.hrtime.bigint();
for (let i = 0; i < 100000; i++) encodeAccountFast(evs[i % 1000]!, ['system'], []);
console.log('fast us/op', Number(process.hrtime.bigint() - t) / 1e3 / 100000);
t = process.hrtime.bigint();
for (let i = 0; i < 20000; i++) encodeAccountFast(mk(i), ['system'], []);
console.log('fast uncached us/op', Number(process.hrtime.bigint() - t) / 1e3 / 20000);
