import { createSolanaRpc } from '@solana/kit';
import {
  ComputeBudgetProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  Transaction,
} from '@solana/web3.js';
import bs58 from 'bs58';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT_KIND_THREAD,
  CHOIR_PROGRAM_ID,
  createThreadInstruction,
  decodeThreadAccount,
  findThreadAddress,
  THREAD_ACCOUNT_SIZE,
  ThreadOffsets,
} from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { ownThreadInstruction, testDevnet, until } from './support.js';

describe('devnet JSON-RPC with @solana/web3.js and @solana/kit', () => {
  let devnet: Devnet;
  let connection: Connection;
  let payer: Keypair;

  beforeAll(async () => {
    devnet = await testDevnet();
    connection = new Connection(devnet.rpcUrl, { commitment: 'processed', wsEndpoint: devnet.wsUrl });
    payer = Keypair.generate();
  });
  afterAll(async () => {
    await devnet.close();
  });

  it('airdrops, and the balance reaches each commitment level as slots advance', async () => {
    const signature = await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL);
    expect(await connection.getBalance(payer.publicKey, 'processed')).toBe(10 * LAMPORTS_PER_SOL);
    expect(await connection.getBalance(payer.publicKey, 'confirmed')).toBe(0);
    const status = async () => (await connection.getSignatureStatuses([signature])).value[0]?.confirmationStatus;
    expect(await status()).toBe('processed');
    devnet.tick(); // the airdrop's slot is frozen (processed)
    devnet.tick(); // ... and confirmed by its child
    expect(await status()).toBe('confirmed');
    expect(await connection.getBalance(payer.publicKey, 'confirmed')).toBe(10 * LAMPORTS_PER_SOL);
    expect(await connection.getBalance(payer.publicKey, 'finalized')).toBe(0);
    devnet.tick(3);
    expect(await status()).toBe('finalized');
    expect(await connection.getBalance(payer.publicKey, 'finalized')).toBe(10 * LAMPORTS_PER_SOL);
  });

  it('sends a Choir transaction, confirms it at each commitment and reads it back', async () => {
    const threadId = Keypair.generate().publicKey.toBytes();
    const [thread] = findThreadAddress(threadId);
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash('confirmed');
    const tx = new Transaction({ feePayer: payer.publicKey, blockhash, lastValidBlockHeight }).add(
      ownThreadInstruction(payer.publicKey, threadId),
    );
    tx.sign(payer);
    const signature = await connection.sendRawTransaction(tx.serialize());
    const strategy = { signature, blockhash, lastValidBlockHeight };
    expect((await connection.confirmTransaction(strategy, 'processed')).value.err).toBeNull();

    // Confirmation at `confirmed` and `finalized` waits on the WebSocket until ticks get it there.
    const confirmed = connection.confirmTransaction(strategy, 'confirmed');
    const finalized = connection.confirmTransaction(strategy, 'finalized');
    devnet.tick(2);
    expect((await confirmed).value.err).toBeNull();
    devnet.tick(3);
    expect((await finalized).value.err).toBeNull();

    const read = await connection.getTransaction(signature, {
      commitment: 'finalized',
      maxSupportedTransactionVersion: 0,
    });
    expect(read?.meta?.err).toBeNull();
    expect(read?.meta?.fee).toBe(5000);
    expect(read?.meta?.logMessages?.some((l) => l.includes(CHOIR_PROGRAM_ID.toBase58()))).toBe(true);
    expect(read?.transaction.signatures[0]).toBe(signature);

    const accounts = await connection.getProgramAccounts(CHOIR_PROGRAM_ID, {
      commitment: 'finalized',
      filters: [
        { dataSize: THREAD_ACCOUNT_SIZE },
        { memcmp: { offset: ThreadOffsets.kind, bytes: bs58.encode([ACCOUNT_KIND_THREAD]) } },
      ],
    });
    const found = accounts.find((a) => a.pubkey.equals(thread));
    expect(found).toBeDefined();
    const decoded = decodeThreadAccount(found!.account.data);
    expect(decoded.ok).toBe(true);
    const none = await connection.getProgramAccounts(CHOIR_PROGRAM_ID, { filters: [{ dataSize: 1 }] });
    expect(none).toHaveLength(0);

    const history = await connection.getSignaturesForAddress(thread, {}, 'confirmed');
    expect(history.map((s) => s.signature)).toEqual([signature]);
  });

  it('rejects a failing transaction in preflight with the logs, like a validator (-32002)', async () => {
    const { blockhash } = await connection.getLatestBlockhash();
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
      createThreadInstruction({
        payer: payer.publicKey,
        creator: payer.publicKey,
        threadId: new Uint8Array(32).fill(7),
        coAuthors: [payer.publicKey, payer.publicKey],
        minStake: 0n,
      }),
    );
    tx.sign(payer);
    const err = await connection.sendRawTransaction(tx.serialize()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendTransactionError);
    expect((err as SendTransactionError).transactionError.message).toContain('custom program error');
    const logs = await (err as SendTransactionError).getLogs(connection);
    expect(logs.join('\n')).toContain(`Program ${CHOIR_PROGRAM_ID.toBase58()} failed`);
  });

  it('simulates without committing and prices a message', async () => {
    const before = await connection.getBalance(payer.publicKey, 'processed');
    const to = Keypair.generate().publicKey;
    const { blockhash } = await connection.getLatestBlockhash('processed');
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: LAMPORTS_PER_SOL }),
    );
    const simulated = await connection.simulateTransaction(tx);
    expect(simulated.value.err).toBeNull();
    expect(simulated.value.logs).toContain('Program 11111111111111111111111111111111 success');
    expect(await connection.getBalance(payer.publicKey, 'processed')).toBe(before);
    expect(await connection.getBalance(to, 'processed')).toBe(0);
    expect((await connection.getFeeForMessage(tx.compileMessage(), 'processed')).value).toBe(5000);
  });

  it('charges and reports priority fees as LiteSVM charges them', async () => {
    const to = Keypair.generate().publicKey;
    const { blockhash } = await connection.getLatestBlockhash('processed');
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
      ComputeBudgetProgram.setComputeUnitLimit({ units: 10_000 }),
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1_000_000 }),
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: LAMPORTS_PER_SOL }),
    );
    tx.sign(payer);
    expect((await connection.getFeeForMessage(tx.compileMessage(), 'processed')).value).toBe(15_000);
    const before = await connection.getBalance(payer.publicKey, 'processed');
    const signature = await connection.sendRawTransaction(tx.serialize());
    const after = await connection.getBalance(payer.publicKey, 'processed');
    expect(before - after).toBe(LAMPORTS_PER_SOL + 15_000);
    devnet.tick(2);
    const read = await connection.getTransaction(signature, {
      commitment: 'confirmed',
      maxSupportedTransactionVersion: 0,
    });
    expect(read?.meta?.fee).toBe(15_000);
  });

  it('answers @solana/kit RPC calls', async () => {
    const rpc = createSolanaRpc(devnet.rpcUrl);
    const address = payer.publicKey.toBase58() as Parameters<typeof rpc.getBalance>[0];
    const balance = await rpc.getBalance(address, { commitment: 'processed' }).send();
    expect(balance.value).toBeGreaterThan(0n);
    const info = await rpc.getAccountInfo(address, { encoding: 'base64', commitment: 'processed' }).send();
    expect(info.value?.owner).toBe('11111111111111111111111111111111');
    expect((await rpc.getGenesisHash().send()).length).toBeGreaterThan(30);
    const latest = await rpc.getLatestBlockhash({ commitment: 'processed' }).send();
    expect((await rpc.isBlockhashValid(latest.value.blockhash, { commitment: 'processed' }).send()).value).toBe(true);
    expect(await rpc.getSlot({ commitment: 'processed' }).send()).toBe(BigInt(devnet.ledger.chain.openSlot));
    const multiple = await rpc
      .getMultipleAccounts([address, new PublicKey(new Uint8Array(32).fill(9)).toBase58() as typeof address], {
        encoding: 'base64',
        commitment: 'processed',
      })
      .send();
    expect(multiple.value[0]).not.toBeNull();
    expect(multiple.value[1]).toBeNull();
    expect(await rpc.getMinimumBalanceForRentExemption(0n).send()).toBe(890_880n);
  });

  it('notifies slot and account subscriptions over the WebSocket', async () => {
    const slots: number[] = [];
    const slotSub = connection.onSlotChange((info) => slots.push(info.slot));
    const lamports: number[] = [];
    const accountSub = connection.onAccountChange(payer.publicKey, (a) => lamports.push(a.lamports), {
      commitment: 'processed',
    });
    // Subscriptions are registered asynchronously: tick until the slot subscription proves to be live.
    await until(() => {
      devnet.tick();
      return slots.length > 0;
    }, 'a slot notification');
    await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
    const expected = await connection.getBalance(payer.publicKey, 'processed');
    await until(() => lamports.includes(expected), 'an account notification');
    await connection.removeSlotChangeListener(slotSub);
    await connection.removeAccountChangeListener(accountSub);
  });

  it('notifies program subscriptions with filters, at their commitment', async () => {
    const processed: string[] = [];
    const confirmed: string[] = [];
    const filters = [{ dataSize: THREAD_ACCOUNT_SIZE }];
    const subs = [
      connection.onProgramAccountChange(CHOIR_PROGRAM_ID, (a) => processed.push(a.accountId.toBase58()), {
        commitment: 'processed',
        filters,
      }),
      connection.onProgramAccountChange(CHOIR_PROGRAM_ID, (a) => confirmed.push(a.accountId.toBase58()), {
        commitment: 'confirmed',
        filters,
      }),
    ];
    // web3.js registers subscriptions asynchronously; its own bookkeeping says when the server has answered.
    const states = () =>
      Object.values(
        (connection as unknown as { _subscriptionsByHash: Record<string, { state: string }> })._subscriptionsByHash,
      );
    await until(() => states().length >= 2 && states().every((s) => s.state === 'subscribed'), 'the subscriptions');
    const threadId = Keypair.generate().publicKey.toBytes();
    const [thread] = findThreadAddress(threadId);
    const { blockhash } = await connection.getLatestBlockhash('processed');
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
      ownThreadInstruction(payer.publicKey, threadId),
    );
    tx.sign(payer);
    await connection.sendRawTransaction(tx.serialize());
    await until(() => processed.includes(thread.toBase58()), 'the processed notification');
    expect(confirmed).toEqual([]);
    devnet.tick(2);
    await until(() => confirmed.includes(thread.toBase58()), 'the confirmed notification');
    for (const sub of subs) await connection.removeProgramAccountChangeListener(sub);
  });
});
