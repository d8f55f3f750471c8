import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../src/db/generated/client.js';
import { useMigratedPool } from '../support/migrated-pool.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const THREAD = 'Thread1111111111111111111111111111111111111';

describe('schema constraints (real Postgres, through Prisma and raw SQL)', () => {
  const { pool } = useMigratedPool({ max: 2 });
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    await prisma.thread.create({
      data: { address: THREAD, threadId: '0'.repeat(64), creator: 'creator', contentRoot: '0'.repeat(64), slot: 1n },
    });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
  });

  it('rejects a duplicate per-thread event sequence and keeps the global sequence increasing', async () => {
    const first = await prisma.event.create({
      data: { threadAddress: THREAD, threadSequence: 1n, type: 'ThreadCreated', payload: { a: 1 } },
    });
    await expect(
      prisma.event.create({ data: { threadAddress: THREAD, threadSequence: 1n, type: 'CoAuthorAdded', payload: {} } }),
    ).rejects.toThrow(/Unique constraint/);
    const second = await prisma.event.create({
      data: { threadAddress: THREAD, threadSequence: 2n, type: 'CoAuthorAdded', payload: {} },
    });
    expect(second.sequence).toBeGreaterThan(first.sequence);
    // The same per-thread sequence is fine in another thread.
    const other = await pool.query(
      `INSERT INTO events (thread_address, thread_sequence, type, payload) VALUES ('other', 1, 'ThreadCreated', '{}') RETURNING sequence`,
    );
    expect(BigInt(other.rows[0].sequence)).toBeGreaterThan(second.sequence);
    await expect(
      pool.query(
        `INSERT INTO events (thread_address, thread_sequence, type, payload) VALUES ('x', 0, 'ThreadCreated', '{}')`,
      ),
    ).rejects.toThrow(/events_thread_sequence_positive/);
  });

  it('message status only takes the listed values', async () => {
    const statuses = ['PENDING', 'STORED', 'RECORDED', 'CONFIRMED', 'FINALIZED', 'ROLLED_BACK'];
    const { rows } = await pool.query<{ label: string }>(
      `SELECT unnest(enum_range(NULL::message_status))::text AS label`,
    );
    expect(rows.map((r) => r.label)).toEqual(statuses);
    await prisma.message.create({
      data: { address: 'msg-a', contentHash: HASH_A, threadAddress: THREAD, author: 'me', content: 'hi' },
    });
    await expect(pool.query(`UPDATE messages SET status = 'DONE' WHERE address = 'msg-a'`)).rejects.toThrow(
      /invalid input value for enum message_status/,
    );
    for (const status of statuses) {
      await pool.query(`UPDATE messages SET status = $1 WHERE address = 'msg-a'`, [status]);
    }
  });

  it('rejects malformed hashes and a message for an unknown thread', async () => {
    await expect(
      pool.query(
        `INSERT INTO messages (address, content_hash, thread_address, author, updated_at) VALUES ('m', $1, $2, 'me', now())`,
        ['A'.repeat(64), THREAD],
      ),
    ).rejects.toThrow(/messages_content_hash_hex/);
    await expect(
      prisma.message.create({ data: { address: 'msg-b', contentHash: HASH_B, threadAddress: 'nope', author: 'me' } }),
    ).rejects.toThrow(/Foreign key constraint/);
  });

  it('keeps co-authors unique per thread and positions in range', async () => {
    await prisma.threadCoAuthor.create({
      data: { threadAddress: THREAD, position: 0, pubkey: 'creator', addedSlot: 1n },
    });
    await expect(
      prisma.threadCoAuthor.create({ data: { threadAddress: THREAD, position: 1, pubkey: 'creator', addedSlot: 2n } }),
    ).rejects.toThrow(/Unique constraint/);
    await expect(
      pool.query(
        `INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, 10, 'k', 1)`,
        [THREAD],
      ),
    ).rejects.toThrow(/thread_co_authors_position_range/);
  });

  it('makes outbox items unique by (kind, key)', async () => {
    await prisma.outboxItem.create({ data: { kind: 'vector.payload', key: HASH_A, payload: {} } });
    await expect(
      prisma.outboxItem.create({ data: { kind: 'vector.payload', key: HASH_A, payload: {} } }),
    ).rejects.toThrow(/Unique constraint/);
    await prisma.outboxItem.create({ data: { kind: 'chain.record', key: HASH_A, payload: {} } });
    expect(await prisma.outboxItem.count()).toBe(2);
  });
});
