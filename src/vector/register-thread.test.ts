import { describe, expect, it } from 'vitest';
import { sha256Hex } from './point-id.js';
import { threadPointPayload, threadRegistration } from './register-thread.js';

const row = {
  address: 'T',
  creator: 'C',
  title: 'Verses for spring',
  commitment: 'CONFIRMED',
  slot: '9',
  created_at: new Date('2026-12-06T10:00:00.000Z'),
  co_authors: ['C', 'D'],
};

describe('thread points', () => {
  it('a thread row becomes a registration, and its point is searchable by its title', () => {
    const registration = threadRegistration(row);
    expect(registration).toEqual({
      threadId: 'T',
      creator: 'C',
      coAuthors: ['C', 'D'],
      title: 'Verses for spring',
      status: 'CONFIRMED',
      slot: 9,
      createdAt: Date.parse('2026-12-06T10:00:00.000Z'),
    });
    expect(threadPointPayload(registration)).toEqual({
      message_address: 'T',
      content_hash: sha256Hex('Verses for spring'),
      thread_id: 'T',
      author: 'C',
      co_authors: ['C', 'D'],
      status: 'CONFIRMED',
      slot: 9,
      created_at: Date.parse('2026-12-06T10:00:00.000Z'),
      kind: 'thread',
      content: 'Verses for spring',
    });
  });

  it('a thread without a title (or a blank one) is described by its address', () => {
    for (const title of [null, '  ']) {
      const payload = threadPointPayload(threadRegistration({ ...row, title, co_authors: null }));
      expect(payload.content).toBe('thread T');
      expect(payload.content_hash).toBe(sha256Hex('thread T'));
      expect(payload.co_authors).toEqual([]);
    }
  });
});
