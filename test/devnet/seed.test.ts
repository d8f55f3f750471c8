import { Connection } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHOIR_PROGRAM_ID,
  decodeMessageAccount,
  decodeThreadAccount,
  MESSAGE_ACCOUNT_SIZE,
  THREAD_ACCOUNT_SIZE,
} from '../../programs/choir/client/index.js';
import { type Devnet, seedDevnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { testDevnet } from './support.js';

const STATUS = { published: 'Published', approved: 'Approved', rejected: 'Rejected', pending: 'Pending' } as const;

describe('choir devnet seed', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    // A fast slot clock: the seed confirms every transaction at `confirmed`.
    devnet = await testDevnet({ slotMs: 50 });
  });
  afterAll(async () => {
    await devnet.close();
  });

  it('creates threads, messages, specs and votes that read back from the chain (confirmed each step)', async () => {
    const seeded = await seedDevnet({
      rpcUrl: devnet.rpcUrl,

      threads: 1,
      messagesPerThread: 2,
      specsPerThread: 3,
      commitment: 'confirmed',
      logger: silentLogger,
    });
    expect(seeded.threads).toHaveLength(1);
    expect(seeded.messages.map((m) => m.outcome)).toEqual([
      'published',
      'published',
      'approved',
      'rejected',
      'pending',
    ]);
    const connection = new Connection(devnet.rpcUrl, 'confirmed');
    const threads = await connection.getProgramAccounts(CHOIR_PROGRAM_ID, {
      filters: [{ dataSize: THREAD_ACCOUNT_SIZE }],
    });
    expect(threads.map((t) => t.pubkey.toBase58())).toEqual(seeded.threads);
    const thread = decodeThreadAccount(threads[0]!.account.data);
    if (!thread.ok) throw new Error('thread does not decode');
    // The approved spec's author joined the two co-authors.
    expect(thread.value.coAuthors).toHaveLength(3);
    const accounts = await connection.getProgramAccounts(CHOIR_PROGRAM_ID, {
      filters: [{ dataSize: MESSAGE_ACCOUNT_SIZE }],
    });
    expect(accounts).toHaveLength(seeded.messages.length);
    for (const m of seeded.messages) {
      const found = accounts.find((a) => a.pubkey.toBase58() === m.address);
      const decoded = decodeMessageAccount(found!.account.data);
      if (!decoded.ok) throw new Error('message does not decode');
      expect(decoded.value.status).toBe(STATUS[m.outcome]);
    }
  });
});

describe('choir devnet seed at processed', () => {
  it('needs no slot clock: every step lands at once', async () => {
    const devnet = await testDevnet();
    try {
      const seeded = await seedDevnet({
        rpcUrl: devnet.rpcUrl,

        threads: 2,
        messagesPerThread: 1,
        specsPerThread: 1,
        logger: silentLogger,
      });
      expect(seeded.threads).toHaveLength(2);
      expect(seeded.messages.map((m) => m.outcome)).toEqual(['published', 'approved', 'published', 'approved']);
    } finally {
      await devnet.close();
    }
  });
});
