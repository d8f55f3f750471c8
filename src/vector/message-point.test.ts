import { describe, expect, it } from 'vitest';
import { type MessagePointRow, messagePointPayload } from './message-point.js';

const row: MessagePointRow = {
  address: 'M',
  thread_address: 'T',
  content_hash: 'ab'.repeat(32),
  author: 'A',
  content: 'hello',
  status: 'PENDING',
  slot: '42',
  created_at: new Date('2026-12-06T10:00:00.123Z'),
  co_authors: ['A', 'B'],
};

describe('messagePointPayload', () => {
  it('keys the point by record address and thread, with the thread co-authors and a numeric slot and time', () => {
    expect(messagePointPayload(row)).toEqual({
      message_address: 'M',
      content_hash: 'ab'.repeat(32),
      thread_id: 'T',
      author: 'A',
      co_authors: ['A', 'B'],
      status: 'STORED',
      slot: 42,
      created_at: Date.parse('2026-12-06T10:00:00.123Z'),
      kind: 'message',
      content: 'hello',
    });
  });

  it('keeps a later status; a row not yet on chain or without co-authors gets slot 0 and an empty list', () => {
    const p = messagePointPayload({ ...row, status: 'CONFIRMED', slot: null, co_authors: null, content: null });
    expect(p.status).toBe('CONFIRMED');
    expect(p.slot).toBe(0);
    expect(p.co_authors).toEqual([]);
    expect(p.content).toBe('');
  });
});
