import { describe, expect, it } from 'vitest';
import { messageUpdate, newMessage, newThread, slotUpdate, threadUpdate } from '../../test/indexer/fixtures.js';
import { SafeSlot } from '../order/safe-slot.js';
import { Enricher } from './enrich.js';
import type { StreamUpdate, TransactionUpdate } from './types.js';

const tx = (signature: string, slot: number, accounts: Record<string, string>, index = 1): TransactionUpdate => ({
  kind: 'transaction',
  signature,
  slot: BigInt(slot),
  failed: false,
  instructions: [
    {
      index,
      instruction: {
        name: 'submitMessage',
        contentHash: new Uint8Array(32),
        accounts: { payer: 'p', author: 'a', thread: accounts.thread ?? '', message: accounts.message ?? '' },
      },
    },
  ],
  balanceDeltas: new Map(),
});

describe('Enricher', () => {
  it('holds account writes until their transaction, then releases them with the instruction index', () => {
    const e = new Enricher();
    const t = newThread();
    const m = newMessage(t, 'x');
    const a = messageUpdate(m, 5, 'S1');
    expect(e.push(a)).toEqual([]);
    const out = e.push(tx('S1', 5, { thread: t.address, message: m.address }, 3));
    expect(out.map((u) => u.kind)).toEqual(['account', 'transaction']);
    expect(out[0]).toMatchObject({ pubkey: m.address, instructionIndex: 3 });
  });

  it('enriches writes that arrive after their transaction, and releases orphans at the slot status', () => {
    const e = new Enricher();
    const t = newThread();
    e.push(tx('S2', 6, { thread: t.address }, 0));
    expect(e.push(threadUpdate(t, 6, 'S2'))[0]).toMatchObject({ instructionIndex: 0 });
    const orphan = threadUpdate(t, 6, 'never-seen');
    expect(e.push(orphan)).toEqual([]);
    const out = e.push(slotUpdate(6, 'processed'));
    expect(out).toEqual([orphan, slotUpdate(6, 'processed')]);
    expect(e.pending).toBe(0);
  });
});

describe('SafeSlot', () => {
  const run = (updates: StreamUpdate[]) => {
    const s = new SafeSlot(null);
    return updates.map((u) => {
      s.observe(u);
      return s.value;
    });
  };
  it('names slot S only once the stream has moved into a later slot', () => {
    const t = newThread();
    expect(
      run([
        threadUpdate(t, 7),
        slotUpdate(7, 'processed'),
        slotUpdate(6, 'confirmed'),
        threadUpdate(t, 8),
        slotUpdate(8, 'processed'),
        slotUpdate(9, 'processed'),
      ]),
    ).toEqual([null, null, null, 7n, 7n, 8n]);
  });
});
