import Client, * as yg from '@triton-one/yellowstone-grpc';

console.log(Object.keys(yg).slice(0, 80).join(' '));
console.log(typeof Client, typeof (yg as any).SubscribeUpdate?.encode, typeof (yg as any).default);
const u = (yg as any).SubscribeUpdate.fromPartial({
  filters: ['a'],
  account: {
    slot: '5',
    isStartup: false,
    account: {
      pubkey: new Uint8Array(32),
      lamports: '1',
      owner: new Uint8Array(32),
      executable: false,
      rentEpoch: '0',
      data: new Uint8Array(3),
      writeVersion: '7',
    },
  },
});
const b = (yg as any).SubscribeUpdate.encode(u).finish();
console.log(b.length, JSON.stringify((yg as any).SubscribeUpdate.decode(b)));
