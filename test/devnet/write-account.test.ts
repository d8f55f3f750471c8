import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram } from '@solana/web3.js';
import { SubscribeRequest } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import { afterEach, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { sleep } from '../../src/errors/index.js';
import { funded, subscribe, tempDir, testDevnet, transferAndTick, until } from './support.js';

const SYSTEM = SystemProgram.programId.toBase58();
const CHOIR = CHOIR_PROGRAM_ID.toBase58();

describe('devnet fault hooks: writeAccount', () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  let devnet: Devnet | undefined;
  afterEach(async () => {
    await devnet?.close();
    devnet = undefined;
    for (const dir of dirs.splice(0)) dir.remove();
  });

  it('writes garbage owned by the Choir program: streamed to an owner filter, readable over RPC, persisted', async () => {
    const dir = tempDir();
    dirs.push(dir);
    devnet = await testDevnet({ dataDir: dir.path }, {});
    const payer = funded(devnet);
    devnet.tick();
    const stream = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ accounts: { choir: { owner: [CHOIR] } } }),
    );
    const target = Keypair.generate().publicKey;
    const garbage = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 255]);
    const before = devnet.ledger.currentWriteVersion;
    const written = devnet.faults.writeAccount({
      pubkey: target,
      owner: CHOIR_PROGRAM_ID,
      lamports: 1_234_567n,
      data: garbage,
    });
    expect(written).toEqual({ slot: devnet.ledger.chain.openSlot, writeVersion: before + 1n });
    transferAndTick(devnet, payer); // other (System) activity the filter must not match

    await until(() => stream.updates.length > 0, 'the written account');
    await sleep(100);
    expect(stream.updates).toHaveLength(1);
    const update = stream.updates[0]!;
    expect(update.filters).toEqual(['choir']);
    const info = update.account!.account!;
    expect(bs58.encode(info.pubkey)).toBe(target.toBase58());
    expect(bs58.encode(info.owner)).toBe(CHOIR);
    expect(info.lamports).toBe('1234567');
    expect(Buffer.from(info.data)).toEqual(Buffer.from(garbage));
    expect(BigInt(info.writeVersion)).toBe(before + 1n);
    expect(info.txnSignature).toBeUndefined();
    expect(Number(update.account!.slot)).toBe(written.slot);
    stream.close();

    const connection = new Connection(devnet.rpcUrl, 'processed');
    const read = await connection.getAccountInfo(target);
    expect(read?.owner.toBase58()).toBe(CHOIR);
    expect(read?.lamports).toBe(1_234_567);
    expect(Buffer.from(read!.data)).toEqual(Buffer.from(garbage));
    expect((await connection.getProgramAccounts(CHOIR_PROGRAM_ID)).map((a) => a.pubkey.toBase58())).toEqual([
      target.toBase58(),
    ]);
    devnet.tick(5);
    const versionBeforeRestart = devnet.ledger.currentWriteVersion;
    await devnet.close();

    devnet = await testDevnet({ dataDir: dir.path }, {});
    const again = new Connection(devnet.rpcUrl, 'finalized');
    const restored = await again.getAccountInfo(target);
    expect(restored?.owner.toBase58()).toBe(CHOIR);
    expect(restored?.lamports).toBe(1_234_567);
    expect(Buffer.from(restored!.data)).toEqual(Buffer.from(garbage));
    // The history came back too: a from_slot replay streams the same write with the same write version.
    const replay = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ accounts: { choir: { owner: [CHOIR] } }, fromSlot: '1' }),
    );
    await until(() => replay.updates.length > 0, 'the replayed write');
    expect(BigInt(replay.updates[0]!.account!.account!.writeVersion)).toBe(before + 1n);
    expect(Buffer.from(replay.updates[0]!.account!.account!.data)).toEqual(Buffer.from(garbage));
    replay.close();
    expect(devnet.faults.writeAccount({ pubkey: target, owner: SYSTEM, lamports: 1 }).writeVersion).toBe(
      versionBeforeRestart + 1n,
    );
  });

  it('is a write of its slot: confirmed with it, undone when it is abandoned; zero lamports closes the account', async () => {
    devnet = await testDevnet();
    const connection = new Connection(devnet.rpcUrl, 'processed');
    const target = Keypair.generate().publicKey;
    devnet.faults.writeAccount({ pubkey: target, owner: CHOIR, lamports: LAMPORTS_PER_SOL, data: new Uint8Array(8) });
    expect(await connection.getAccountInfo(target, 'confirmed')).toBeNull();
    devnet.tick(2);
    expect((await connection.getAccountInfo(target, 'confirmed'))?.data).toHaveLength(8);

    devnet.faults.writeAccount({ pubkey: target, owner: CHOIR, lamports: 5, data: Uint8Array.from([9, 9]) });
    expect((await connection.getAccountInfo(target))?.lamports).toBe(5);
    devnet.faults.abandonSlot();
    expect((await connection.getAccountInfo(target))?.lamports).toBe(LAMPORTS_PER_SOL);

    devnet.faults.writeAccount({ pubkey: target, owner: CHOIR, lamports: 0 });
    expect(await connection.getAccountInfo(target)).toBeNull();

    expect(() => devnet!.faults.writeAccount({ pubkey: 'not-base58-0OIl', owner: CHOIR, lamports: 1 })).toThrow(
      /base58/,
    );
    expect(() => devnet!.faults.writeAccount({ pubkey: target, owner: CHOIR, lamports: -1 })).toThrow(/u64/);
  });
});
