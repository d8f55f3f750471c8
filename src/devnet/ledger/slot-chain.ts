import { createHash } from 'node:crypto';
import type { EventLog } from './event-log.js';
import type { BlockInfo, Commitment, SlotRecord } from './types.js';
import { base58 } from './wire.js';

/** How many blocks a blockhash stays valid, as on mainnet. */
export const BLOCKHASH_VALIDITY_BLOCKS = 150;

/**
 * Slots and their commitment, validator-style: transactions land in the open slot; when the clock ticks, the
 * open slot is frozen (`processed`), its parent becomes `confirmed`, and confirmed slots `finalityDepth` behind
 * become `finalized`. An abandoned open slot becomes `dead` and its sibling (same parent) opens instead.
 */
export class SlotChain {
  private readonly slots = new Map<number, SlotRecord>();
  /** Block height of every blockhash still inside the validity window (kept apart from the trimmed history). */
  private readonly heightByHash = new Map<string, number>();
  /** The same hashes in order, to expire them from the front without iterating the map. */
  private hashQueue: { hash: string; height: number }[] = [];
  private hashHead = 0;
  /** Slot records exist for every slot number from this one to the open slot. */
  private oldestRecord = 0;
  private awaitingFinality: number[] = [];
  openSlot = 1;
  processedSlot = 0;
  confirmedSlot = 0;
  finalizedSlot = 0;

  constructor(
    private readonly genesisHash: string,
    createdAt: number,
    private readonly finalityDepth: number,
    private readonly events: EventLog,
  ) {
    this.insert({ slot: 0, parent: null, blockHeight: 0, unixTime: createdAt, status: 'finalized' });
    this.insert({ slot: 1, parent: 0, blockHeight: 1, unixTime: createdAt, status: 'open' });
    events.markSlotStart(1);
  }

  private insert(fields: Omit<SlotRecord, 'blockhash' | 'transactions'>): SlotRecord {
    const blockhash = base58(createHash('sha256').update(this.genesisHash).update(`:${fields.slot}`).digest());
    const record: SlotRecord = { ...fields, blockhash, transactions: [] };
    this.slots.set(record.slot, record);
    this.heightByHash.set(blockhash, record.blockHeight);
    this.hashQueue.push({ hash: blockhash, height: record.blockHeight });
    while (this.hashHead < this.hashQueue.length) {
      const oldest = this.hashQueue[this.hashHead]!;
      if (oldest.height + BLOCKHASH_VALIDITY_BLOCKS >= record.blockHeight) break;
      this.heightByHash.delete(oldest.hash);
      this.hashHead++;
    }
    if (this.hashHead > 1024) {
      this.hashQueue = this.hashQueue.slice(this.hashHead);
      this.hashHead = 0;
    }
    return record;
  }

  /** Resumes at `slot` (open) on a finalized `parent`: the first line of a compacted journal. */
  resetTo(slot: number, parent: number, blockHeight: number, now: number): void {
    this.slots.clear();
    this.heightByHash.clear();
    this.hashQueue = [];
    this.hashHead = 0;
    this.awaitingFinality = [];
    this.insert({ slot: parent, parent: null, blockHeight: blockHeight - 1, unixTime: now, status: 'finalized' });
    this.insert({ slot, parent, blockHeight, unixTime: now, status: 'open' });
    this.oldestRecord = parent;
    this.openSlot = slot;
    this.processedSlot = parent;
    this.confirmedSlot = parent;
    this.finalizedSlot = parent;
    this.events.resetSlots(slot);
  }

  record(slot: number): SlotRecord | undefined {
    return this.slots.get(slot);
  }

  openRecord(): SlotRecord {
    return this.slots.get(this.openSlot)!;
  }

  addTransaction(signature: string): void {
    this.openRecord().transactions.push(signature);
  }

  advance(now: number, onFinalized: (slot: number) => void): void {
    const closing = this.openRecord();
    closing.status = 'processed';
    this.processedSlot = closing.slot;
    this.events.append({ kind: 'slot', slot: closing.slot, parent: closing.parent, status: 'processed' });
    const parent = closing.parent === null ? undefined : this.slots.get(closing.parent);
    this.events.append({ kind: 'blockMeta', slot: closing.slot, block: this.blockInfo(closing, parent) });
    if (parent && parent.status === 'processed') {
      parent.status = 'confirmed';
      this.confirmedSlot = parent.slot;
      this.awaitingFinality.push(parent.slot);
      this.events.append({ kind: 'slot', slot: parent.slot, parent: parent.parent, status: 'confirmed' });
    }
    while (this.awaitingFinality.length > 0 && this.awaitingFinality[0]! <= closing.slot - this.finalityDepth) {
      const slot = this.awaitingFinality.shift()!;
      const record = this.slots.get(slot);
      if (!record) continue;
      record.status = 'finalized';
      this.finalizedSlot = slot;
      onFinalized(slot);
      this.events.append({ kind: 'slot', slot, parent: record.parent, status: 'finalized' });
    }
    this.open(closing.slot + 1, closing, now);
  }

  abandon(now: number): void {
    const dead = this.openRecord();
    dead.status = 'dead';
    this.heightByHash.delete(dead.blockhash);
    this.events.append({ kind: 'slot', slot: dead.slot, parent: dead.parent, status: 'dead' });
    const parent = dead.parent === null ? dead : this.slots.get(dead.parent)!;
    this.open(dead.slot + 1, parent, now);
  }

  private open(slot: number, parent: SlotRecord, now: number): void {
    this.insert({ slot, parent: parent.slot, blockHeight: parent.blockHeight + 1, unixTime: now, status: 'open' });
    this.openSlot = slot;
    this.events.markSlotStart(slot);
  }

  private blockInfo(record: SlotRecord, parent: SlotRecord | undefined): BlockInfo {
    return {
      slot: record.slot,
      parentSlot: parent?.slot ?? 0,
      blockhash: record.blockhash,
      parentBlockhash: parent?.blockhash ?? record.blockhash,
      blockHeight: record.blockHeight,
      blockTime: Math.floor(record.unixTime / 1000),
      transactionCount: record.transactions.length,
    };
  }

  /** The newest slot whose state a read at `commitment` sees. */
  slotFor(commitment: Commitment): number {
    if (commitment === 'finalized') return this.finalizedSlot;
    if (commitment === 'confirmed') return this.confirmedSlot;
    return this.openSlot;
  }

  /** Whether something that landed in `slot` is visible at `commitment`. */
  isVisible(slot: number, commitment: Commitment): boolean {
    const record = this.slots.get(slot);
    return record !== undefined && record.status !== 'dead' && slot <= this.slotFor(commitment);
  }

  /** `processed` / `confirmed` / `finalized` for what landed in `slot`; null for dead or unknown slots. */
  confirmationStatus(slot: number): Commitment | null {
    const status = this.slots.get(slot)?.status;
    if (status === undefined || status === 'dead') return null;
    return status === 'open' ? 'processed' : status;
  }

  blockHeight(commitment: Commitment): number {
    return this.slots.get(this.slotFor(commitment))?.blockHeight ?? 0;
  }

  latestBlockhash(commitment: Commitment): { slot: number; blockhash: string; lastValidBlockHeight: number } {
    const record = this.slots.get(this.slotFor(commitment))!;
    return {
      slot: record.slot,
      blockhash: record.blockhash,
      lastValidBlockHeight: record.blockHeight + BLOCKHASH_VALIDITY_BLOCKS,
    };
  }

  /** A blockhash is valid for 150 blocks after its slot, and never when its slot died. */
  isBlockhashValid(blockhash: string): boolean {
    const height = this.heightByHash.get(blockhash);
    return height !== undefined && height + BLOCKHASH_VALIDITY_BLOCKS >= this.openRecord().blockHeight;
  }

  /** Forgets slots older than `minSlot`; returns the signatures of their transactions. */
  trimBefore(minSlot: number): string[] {
    const dropped: string[] = [];
    // By key from the oldest on: iterating a Map from its front after many deletions walks their holes.
    while (this.oldestRecord < minSlot && this.oldestRecord < this.finalizedSlot) {
      const record = this.slots.get(this.oldestRecord);
      if (record) dropped.push(...record.transactions);
      this.slots.delete(this.oldestRecord);
      this.oldestRecord++;
    }
    return dropped;
  }

  oldestSlot(): number {
    return this.oldestRecord;
  }
}
