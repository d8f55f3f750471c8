/**
 * A Map of pending rows that also knows which keys hold rows of which slot. A confirmed/finalized status promotes
 * the rows of a slot range; scanning the whole overlay for each status made a batch cost O(statuses × rows)
 * (a replayed backlog carries three statuses per slot and thousands of rows per batch). With the slot index a
 * status touches only the rows in its range.
 */
export class SlotIndexedMap<K, V> extends Map<K, V> {
  /** slot (as a number: slots are far below 2^53) → keys whose current row has that slot. */
  private readonly bySlot = new Map<number, Set<K>>();
  /** The slot each key is filed under, to move it when its row's slot changes. */
  private readonly slotOfKey = new Map<K, number>();

  constructor(private readonly slotOf: (value: V) => string | null) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    // Map's constructor calls set before the fields exist; it is never given entries here.
    if (!this.bySlot) return this;
    const raw = this.slotOf(value);
    const slot = raw === null ? null : Number(raw);
    const filed = this.slotOfKey.get(key);
    if (filed === slot) return this;
    if (filed !== undefined) this.unfile(key, filed);
    if (slot !== null) {
      let keys = this.bySlot.get(slot);
      if (!keys) {
        keys = new Set();
        this.bySlot.set(slot, keys);
      }
      keys.add(key);
      this.slotOfKey.set(key, slot);
    }
    return this;
  }

  override delete(key: K): boolean {
    const filed = this.slotOfKey.get(key);
    if (filed !== undefined) this.unfile(key, filed);
    return super.delete(key);
  }

  override clear(): void {
    super.clear();
    this.bySlot.clear();
    this.slotOfKey.clear();
  }

  /** Entries whose row's slot is in (after, upTo], slot by slot in ascending order. */
  *inSlotRange(after: bigint, upTo: bigint): IterableIterator<[K, V]> {
    const lo = Number(after);
    const hi = Number(upTo);
    const slots = [...this.bySlot.keys()].filter((s) => s > lo && s <= hi).sort((a, b) => a - b);
    for (const slot of slots) {
      // Copied: the caller may replace rows (same slot, so the set would not change, but stay safe).
      for (const key of [...(this.bySlot.get(slot) ?? [])]) {
        const value = this.get(key);
        if (value !== undefined) yield [key, value];
      }
    }
  }

  private unfile(key: K, slot: number): void {
    const keys = this.bySlot.get(slot);
    keys?.delete(key);
    if (keys?.size === 0) this.bySlot.delete(slot);
    this.slotOfKey.delete(key);
  }
}
