import { describe, expect, it } from 'vitest';
import type { AccountUpdate, SlotStatus, SlotUpdate, StreamUpdate, TransactionUpdate } from '../decode/types.js';
import { StreamOrder } from './stream-order.js';

// The order stage never looks inside an account: a tagged placeholder is enough to follow it through.
const account = (slot: number, tag: string, txSignature: string | null = null): AccountUpdate => ({
  kind: 'account',
  pubkey: tag,
  slot: BigInt(slot),
  writeVersion: 1n,
  lamports: 0n,
  txSignature,
  account: { kind: 'thread' } as AccountUpdate['account'],
  instructionIndex: null,
});
const status = (slot: number, s: SlotStatus = 'processed', parent: number | null = slot - 1): SlotUpdate => ({
  kind: 'slot',
  slot: BigInt(slot),
  parent: parent === null ? null : BigInt(parent),
  status: s,
});
const tx = (slot: number, signature: string): TransactionUpdate => ({
  kind: 'transaction',
  signature,
  slot: BigInt(slot),
  failed: false,
  instructions: [],
  balanceDeltas: new Map(),
});
const label = (u: StreamUpdate) => (u.kind === 'account' ? u.pubkey : `${u.kind}:${u.slot}`);

function feed(order: StreamOrder, updates: StreamUpdate[]) {
  return updates.map((u, i) => order.accept(u, i)).find((g) => g !== null) ?? null;
}

describe('StreamOrder', () => {
  it('passes consecutive slots straight through, each batch with the cursor it makes safe', () => {
    const order = new StreamOrder(10n);
    expect(feed(order, [account(11, 'a'), status(11), account(12, 'b'), status(12), account(13, 'c')])).toBeNull();
    expect(order.ready).toBe(5);
    const first = order.take(2);
    expect(first.updates.map(label)).toEqual(['a', 'slot:11']);
    expect(first.cursor).toBe(10n); // slot 11 is not safe until something of slot 12 is applied too
    const second = order.take(100);
    expect(second.updates.map(label)).toEqual(['b', 'slot:12', 'c']);
    expect(second.cursor).toBe(12n);
    expect(order.size).toBe(0);
  });

  it('reports a processed slot whose parent never streamed, and accepts nothing after it', () => {
    const order = new StreamOrder(10n);
    feed(order, [account(11, 'a'), status(11)]);
    const gap = feed(order, [account(13, 'skipped ahead'), status(13, 'processed', 12)]);
    expect(gap).toEqual({ slot: 13n, parent: 12n });
    expect(order.accept(status(14), 99)).toEqual(gap);
    // Slot 13's update was held (13 > 11 + 1) and stays held: only slot 11 can be committed.
    expect(order.take(100).updates.map(label)).toEqual(['a', 'slot:11']);
    expect(order.ready).toBe(0);
    expect(order.size).toBe(1);
  });

  it('holds a slot that runs ahead until its processed status names a parent it has seen', () => {
    const order = new StreamOrder(10n);
    feed(order, [account(11, 'a')]);
    // Slot 12's update arrives before slot 11's status: held, with everything behind it.
    feed(order, [account(12, 'early'), account(11, 'late in 11')]);
    expect(order.ready).toBe(1);
    feed(order, [status(11)]);
    expect(order.ready).toBe(1); // still held: only slot 12's own processed status vouches for its parent
    feed(order, [status(12)]);
    expect(order.take(100).updates.map(label)).toEqual(['a', 'early', 'late in 11', 'slot:11', 'slot:12']);
  });

  it('does not call a parent at or before the resume point a gap', () => {
    const order = new StreamOrder(20n);
    expect(feed(order, [status(25, 'processed', 17), account(26, 'x'), status(26, 'processed', 25)])).toBeNull();
    expect(order.take(10).updates.map(label)).toEqual(['slot:25', 'x', 'slot:26']);
  });

  it('counts a dead slot as accepted (its successors are not held), without making it a parent', () => {
    const order = new StreamOrder(10n);
    feed(order, [status(11), status(12, 'dead'), account(13, 'after the fork')]);
    expect(order.ready).toBe(3);
    expect(order.accept(status(13, 'processed', 12), 3)).toEqual({ slot: 13n, parent: 12n });
  });

  it('queues an account write only once its transaction is known (enrichment)', () => {
    const order = new StreamOrder(10n);
    feed(order, [account(11, 'written', 'sig')]);
    expect(order.size).toBe(0);
    feed(order, [tx(11, 'sig'), status(11)]);
    expect(order.take(10).updates.map(label)).toEqual(['written', 'transaction:11', 'slot:11']);
  });

  it('remembers when the oldest queued update arrived', () => {
    const order = new StreamOrder(10n);
    expect(order.oldestAt).toBeNull();
    order.accept(account(11, 'a'), 500);
    order.accept(account(11, 'b'), 700);
    expect(order.oldestAt).toBe(500);
    order.take(1);
    expect(order.oldestAt).toBe(700);
  });

  it('says when a slot has ended with nothing held, so a batch need not wait to fill', () => {
    const order = new StreamOrder(10n);
    feed(order, [account(11, 'a')]);
    expect(order.atSlotEnd).toBe(false); // the slot's status has not come
    feed(order, [status(11)]);
    expect(order.atSlotEnd).toBe(true);
    feed(order, [status(10, 'confirmed'), status(9, 'finalized')]);
    expect(order.atSlotEnd).toBe(true); // older slots' statuses in the same burst keep the end
    feed(order, [account(12, 'b')]);
    expect(order.atSlotEnd).toBe(false); // the next slot's data: its status has not come
    feed(order, [status(12)]);
    expect(order.atSlotEnd).toBe(true);
    feed(order, [account(14, 'held')]);
    feed(order, [status(13)]);
    expect(order.atSlotEnd).toBe(false); // slot 14's update is held behind its own status
    feed(order, [status(14)]);
    expect(order.atSlotEnd).toBe(true);
  });
});
