import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { subscribe, tempDir, testDevnet, until } from './support.js';

describe('devnet persistence under the data directory', () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  let devnet: Devnet | undefined;
  afterEach(async () => {
    await devnet?.close();
    devnet = undefined;
    for (const dir of dirs.splice(0)) dir.remove();
  });

  const open = (dataDir: string) => testDevnet({ dataDir }, {});

  it('restarts the same chain: genesis hash, slots, balances, signatures, write versions and replay', async () => {
    const dir = tempDir();
    dirs.push(dir);
    devnet = await open(dir.path);
    const genesis = devnet.ledger.genesisHash;
    const user = Keypair.generate();
    const connection = new Connection(devnet.rpcUrl, 'processed');
    const airdrop = await connection.requestAirdrop(user.publicKey, 3 * LAMPORTS_PER_SOL);
    devnet.tick(6);
    const slot = devnet.ledger.chain.openSlot;
    const writeVersion = devnet.ledger.currentWriteVersion;
    expect(await connection.getAccountInfo(CHOIR_PROGRAM_ID)).not.toBeNull();
    await devnet.close();

    devnet = await open(dir.path);
    const again = new Connection(devnet.rpcUrl, 'processed');
    expect(await again.getGenesisHash()).toBe(genesis);
    expect(devnet.ledger.chain.openSlot).toBe(slot);
    expect(await again.getBalance(user.publicKey, 'finalized')).toBe(3 * LAMPORTS_PER_SOL);
    expect((await again.getSignatureStatuses([airdrop])).value[0]?.confirmationStatus).toBe('finalized');
    const read = await again.getTransaction(airdrop, { commitment: 'finalized', maxSupportedTransactionVersion: 0 });
    expect(read?.transaction.signatures[0]).toBe(airdrop);
    expect(await again.getAccountInfo(CHOIR_PROGRAM_ID)).not.toBeNull();

    // from_slot replay reaches back before the restart, with the same write versions.
    const replay = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ accounts: { user: { account: [user.publicKey.toBase58()] } }, fromSlot: '1' }),
    );
    await until(() => replay.updates.length > 0, 'the replayed airdrop');
    const replayed = replay.updates[0] as SubscribeUpdate;
    expect(replayed.account?.account?.lamports).toBe(String(3 * LAMPORTS_PER_SOL));
    replay.close();

    // Write versions keep growing after a restart.
    await again.requestAirdrop(user.publicKey, LAMPORTS_PER_SOL);
    expect(devnet.ledger.currentWriteVersion).toBeGreaterThan(writeVersion);
  });

  it('checkpoints on close: the journal keeps only the retained history, and the chain comes back the same', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const historySlots = 150;
    const user = Keypair.generate();
    let expectedBalance = 0;
    let slot = 0;
    let writeVersion = 0n;
    for (let round = 0; round < 3; round++) {
      devnet = await testDevnet({ dataDir: dir.path, historySlots }, {});
      const connection = new Connection(devnet.rpcUrl, 'processed');
      if (round > 0) {
        expect(devnet.ledger.chain.openSlot).toBe(slot);
        expect(devnet.ledger.currentWriteVersion).toBe(writeVersion);
        expect(await connection.getBalance(user.publicKey, 'finalized')).toBe(expectedBalance);
      }
      await connection.requestAirdrop(user.publicKey, LAMPORTS_PER_SOL * (round + 1));
      expectedBalance += LAMPORTS_PER_SOL * (round + 1);
      devnet.tick(200); // well past the history: older entries leave the journal at the checkpoint
      slot = devnet.ledger.chain.openSlot;
      writeVersion = devnet.ledger.currentWriteVersion;
      await devnet.close();
      devnet = undefined;
      const files = readdirSync(dir.path);
      if (round > 0) expect(files.filter((f) => f.startsWith('journal-'))).toHaveLength(1);
      const journal = files.find((f) => f.startsWith('journal-'));
      if (journal) {
        const lines = readFileSync(join(dir.path, journal), 'utf8').trim().split('\n');
        expect(lines.length).toBeLessThan(historySlots + 10);
      }
    }
    // Replay within the retained history still works after the restarts.
    devnet = await testDevnet({ dataDir: dir.path, historySlots }, {});
    const oldest = devnet.ledger.events.oldestSlot()!;
    const replay = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ slots: { s: {} }, fromSlot: String(oldest) }),
    );
    await until(() => replay.updates.length > 10, 'replayed slots');
    expect(Number(replay.updates[0]!.slot!.slot)).toBeGreaterThanOrEqual(oldest - 40);
    replay.close();
  });

  it('gives a fresh data directory a new genesis hash', async () => {
    const [a, b] = [tempDir(), tempDir()];
    dirs.push(a, b);
    devnet = await open(a.path);
    const first = devnet.ledger.genesisHash;
    await devnet.close();
    devnet = await open(b.path);
    expect(devnet.ledger.genesisHash).not.toBe(first);
  });
});
