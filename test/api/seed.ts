/** Seeds the indexed tables directly (threads, co-authors, messages, votes, events) for API read tests. */
import type pg from 'pg';
import { appendEvents } from '../../src/events/append-events.js';
import { hex32, key, sha } from './harness.js';

export interface SeededThread {
  address: string;
  coAuthors: string[];
  messages: { address: string; hash: string; content: string; author: string }[];
}

export async function seedThreads(
  pool: pg.Pool,
  count: number,
  options: { messagesPerThread?: number; votes?: boolean; events?: boolean; baseTime?: number } = {},
): Promise<SeededThread[]> {
  const perThread = options.messagesPerThread ?? 3;
  const base = options.baseTime ?? Date.parse('2026-01-01T00:00:00Z');
  const out: SeededThread[] = [];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (let t = 0; t < count; t++) {
      const address = key();
      const coAuthors = [key(), key(), key()];
      await client.query(
        `INSERT INTO threads (address, thread_id, creator, title, content_root, slot, commitment, created_at, message_count)
         VALUES ($1, $2, $3, $4, $5, $6, 'CONFIRMED', $7, $8)`,
        [address, hex32(), coAuthors[0], `thread ${t}`, '0'.repeat(64), 10 + t, new Date(base + t * 1000), perThread],
      );
      for (const [i, pubkey] of coAuthors.entries()) {
        await client.query(
          'INSERT INTO thread_co_authors (thread_address, position, pubkey, added_slot) VALUES ($1, $2, $3, $4)',
          [address, i, pubkey, 10 + t],
        );
      }
      const messages: SeededThread['messages'] = [];
      for (let m = 0; m < perThread; m++) {
        const content = `message ${m} of thread ${t}`;
        const hash = sha(content);
        const maddress = key();
        const author = coAuthors[m % coAuthors.length] as string;
        await client.query(
          `INSERT INTO messages (address, thread_address, content_hash, author, content, kind, status, chain_status,
                                 slot, commitment, created_at, index_in_thread)
           VALUES ($1, $2, $3, $4, $5, $6, 'CONFIRMED', 'PUBLISHED', $7, 'CONFIRMED', $8, $9)`,
          [
            maddress,
            address,
            hash,
            author,
            content,
            m % 5 === 4 ? 'SPEC' : 'MESSAGE',
            20 + m,
            new Date(base + t * 1000 + m * 10),
            m,
          ],
        );
        if (options.votes) {
          await client.query(
            `INSERT INTO votes (message_address, voter, approve, slot, commitment) VALUES ($1, $2, true, $3, 'CONFIRMED')`,
            [maddress, coAuthors[1], 30 + m],
          );
        }
        messages.push({ address: maddress, hash, content, author });
      }
      if (options.events !== false) {
        await appendEvents(client, [
          {
            threadAddress: address,
            type: 'ThreadCreated',
            payload: { threadId: hex32(), creator: coAuthors[0], coAuthors, minStake: '0', specLifetime: '604800' },
            slot: BigInt(10 + t),
          },
          ...messages.map((m, i) => ({
            threadAddress: address,
            type: 'MessagePublished' as const,
            payload: { messageAddress: m.address, contentHash: m.hash, author: m.author, index: i },
            slot: BigInt(20 + i),
          })),
        ]);
      }
      out.push({ address, coAuthors, messages });
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
  return out;
}
