import type { Keypair, PublicKey } from '@solana/web3.js';
import { CommitmentLevel, SubscribeRequest } from '@triton-one/yellowstone-grpc';
import bs58 from 'bs58';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT_KIND_THREAD,
  CHOIR_PROGRAM_ID,
  contentHash,
  findMessageAddress,
  findThreadAddress,
  MESSAGE_ACCOUNT_SIZE,
  submitMessageInstruction,
  ThreadOffsets,
} from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import {
  type CollectedStream,
  execute,
  funded,
  ownThreadInstruction,
  statusText,
  subscribe,
  testDevnet,
  until,
} from './support.js';

const key = (bytes: Uint8Array | undefined) => bs58.encode(bytes ?? new Uint8Array());

describe('devnet Geyser: filters with the official Yellowstone client', () => {
  let devnet: Devnet;
  let author: Keypair;
  let thread: PublicKey;
  let message: PublicKey;
  let stream: CollectedStream;
  let choirSignatures: string[];
  let failedSignature: string;
  const threadId = new Uint8Array(32).fill(3);

  beforeAll(async () => {
    devnet = await testDevnet();
    author = funded(devnet);
    stream = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({
        commitment: CommitmentLevel.PROCESSED,
        accounts: {
          threads: {
            owner: [CHOIR_PROGRAM_ID.toBase58()],
            filters: [{ memcmp: { offset: String(ThreadOffsets.kind), bytes: Uint8Array.of(ACCOUNT_KIND_THREAD) } }],
          },
          messages: { owner: [CHOIR_PROGRAM_ID.toBase58()], filters: [{ datasize: String(MESSAGE_ACCOUNT_SIZE) }] },
          author: { account: [author.publicKey.toBase58()] },
        },
        transactions: {
          choir: { accountInclude: [CHOIR_PROGRAM_ID.toBase58()], failed: false },
          failed: { failed: true },
        },
        transactionsStatus: { statuses: { accountInclude: [CHOIR_PROGRAM_ID.toBase58()] } },
      }),
    );
    [thread] = findThreadAddress(threadId);
    const hash = contentHash('hello devnet');
    [message] = findMessageAddress(thread, hash);
    choirSignatures = [
      execute(devnet, [ownThreadInstruction(author.publicKey, threadId)], [author]),
      execute(
        devnet,
        [submitMessageInstruction({ payer: author.publicKey, author: author.publicKey, thread, contentHash: hash })],
        [author],
      ),
    ];
    // The same message again (another fee payer, so another transaction) fails on chain: the message exists.
    // It still lands and charges its fee payer.
    const relayer = funded(devnet);
    failedSignature = execute(
      devnet,
      [submitMessageInstruction({ payer: relayer.publicKey, author: author.publicKey, thread, contentHash: hash })],
      [relayer, author],
    );
    devnet.tick();
    await until(
      () => stream.updates.some((u) => u.transactionStatus && key(u.transactionStatus.signature) === failedSignature),
      'all updates',
    );
  });
  afterAll(async () => {
    stream.close();
    await devnet.close();
  });

  const accountsFor = (name: string) =>
    stream.updates.filter((u) => u.account && u.filters.includes(name)).map((u) => key(u.account?.account?.pubkey));

  it('delivers account updates to exactly the filters they match (owner + memcmp, owner + datasize, account)', () => {
    expect(new Set(accountsFor('threads'))).toEqual(new Set([thread.toBase58()]));
    expect(new Set(accountsFor('messages'))).toEqual(new Set([message.toBase58()]));
    expect(new Set(accountsFor('author'))).toEqual(new Set([author.publicKey.toBase58()]));
    // Thread written by both successful transactions; the failed one only charges its fee payer.
    expect(accountsFor('threads')).toHaveLength(2);
    expect(accountsFor('author')).toHaveLength(2);
    for (const u of stream.updates.filter((x) => x.account)) {
      expect(u.account?.isStartup).toBe(false);
      expect(u.account?.account?.txnSignature).toBeDefined();
    }
  });

  it('delivers transactions per vote/failed/account_include filters, with meta and logs', () => {
    const txs = stream.updates.filter((u) => u.transaction);
    const byFilter = (name: string) =>
      txs.filter((u) => u.filters.includes(name)).map((u) => key(u.transaction?.transaction?.signature));
    expect(byFilter('choir')).toEqual(choirSignatures);
    expect(byFilter('failed')).toEqual([failedSignature]);
    const first = txs[0]?.transaction?.transaction;
    expect(first?.meta?.logMessages.join('\n')).toContain(`Program ${CHOIR_PROGRAM_ID.toBase58()} success`);
    expect(first?.meta?.fee).toBe('5000');
    expect(first?.meta?.preBalances.length).toBe(first?.transaction?.message?.accountKeys.length);
    const failed = txs.find((u) => u.filters.includes('failed'))?.transaction?.transaction;
    expect(failed?.meta?.err?.err.length).toBeGreaterThan(0);
  });

  it('delivers transaction statuses for transactions_status filters', () => {
    const statuses = stream.updates.filter((u) => u.transactionStatus).map((u) => key(u.transactionStatus?.signature));
    expect(statuses).toEqual([...choirSignatures, failedSignature]);
  });

  it('holds updates until the requested commitment, and slices account data', async () => {
    const finalized = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({
        commitment: CommitmentLevel.FINALIZED,
        accounts: { thread: { account: [thread.toBase58()] } },
        accountsDataSlice: [{ offset: String(ThreadOffsets.threadId), length: '32' }],
        fromSlot: '1',
      }),
    );
    const accounts = () => finalized.updates.filter((u) => u.account);
    // Replayed from slot 1, but the thread's slot is not finalized yet: nothing is sent.
    expect(accounts()).toHaveLength(0);
    devnet.tick(5);
    await until(() => accounts().length === 2, 'the finalized thread updates');
    const finalizedSlot = devnet.ledger.chain.finalizedSlot;
    for (const u of accounts()) {
      expect(Number(u.account!.slot)).toBeLessThanOrEqual(finalizedSlot);
      expect(Buffer.from(u.account!.account!.data)).toEqual(Buffer.from(threadId));
    }
    finalized.close();
  });

  it('rejects invalid filters with INVALID_ARGUMENT', async () => {
    const cases: SubscribeRequest[] = [
      SubscribeRequest.fromPartial({ accounts: { bad: { owner: ['not-a-pubkey'] } } }),
      SubscribeRequest.fromPartial({
        accounts: { big: { filters: [{ memcmp: { offset: '0', bytes: new Uint8Array(129) } }] } },
      }),
      SubscribeRequest.fromPartial({ transactions: { bad: { accountInclude: ['0OIl'] } } }),
      SubscribeRequest.fromPartial({ slots: { s: {} }, commitment: 7 as CommitmentLevel }),
      SubscribeRequest.fromPartial({ blocks: { b: {} } }),
    ];
    for (const request of cases) {
      const bad = await subscribe(devnet.geyserUrl, request);
      await until(() => bad.errors.length > 0, 'an error');
      expect(statusText(bad.errors[0]!)).toMatch(/invalid|not supported/i);
      bad.close();
    }
  });

  it('answers unary calls (GetSlot, GetLatestBlockhash, IsBlockhashValid, Ping)', async () => {
    const { YellowstoneClient: Client } = await import('../../src/devnet/geyser/official-client.js');
    const client = new Client(devnet.geyserUrl, undefined, undefined);
    await client.connect();
    expect(Number((await client.getSlot(CommitmentLevel.PROCESSED)).slot)).toBe(devnet.ledger.chain.openSlot);
    const latest = await client.getLatestBlockhash(CommitmentLevel.CONFIRMED);
    expect((await client.isBlockhashValid(latest.blockhash)).valid).toBe(true);
    expect((await client.isBlockhashValid(bs58.encode(new Uint8Array(32).fill(5)))).valid).toBe(false);
    expect((await client.ping(4)).count).toBe(4);
    expect(Number((await client.getBlockHeight()).blockHeight)).toBeGreaterThan(0);
  });
});
