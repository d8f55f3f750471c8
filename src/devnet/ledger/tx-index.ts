import type { TransactionRecord } from './types.js';

/** Landed transactions of the retained history, by signature and by account (newest last). */
export class TransactionIndex {
  private readonly bySignature = new Map<string, TransactionRecord>();
  private readonly byAddress = new Map<string, string[]>();

  add(record: TransactionRecord): void {
    this.bySignature.set(record.signature, record);
    for (const key of new Set(record.accountKeys)) {
      let list = this.byAddress.get(key);
      if (!list) {
        list = [];
        this.byAddress.set(key, list);
      }
      list.push(record.signature);
    }
  }

  get(signature: string): TransactionRecord | undefined {
    return this.bySignature.get(signature);
  }

  remove(signatures: Iterable<string>): void {
    const touched = new Set<string>();
    for (const signature of signatures) {
      const record = this.bySignature.get(signature);
      if (!record) continue;
      this.bySignature.delete(signature);
      for (const key of record.accountKeys) touched.add(key);
    }
    for (const key of touched) {
      // Removed transactions are the oldest (history trim) or the newest (an abandoned slot): trim both ends.
      const list = this.byAddress.get(key);
      if (!list) continue;
      let start = 0;
      while (start < list.length && !this.bySignature.has(list[start]!)) start++;
      let end = list.length;
      while (end > start && !this.bySignature.has(list[end - 1]!)) end--;
      if (start === end) this.byAddress.delete(key);
      else if (start > 0 || end < list.length) this.byAddress.set(key, list.slice(start, end));
    }
  }

  /** Newest first, like `getSignaturesForAddress`. */
  forAddress(address: string): TransactionRecord[] {
    const list = this.byAddress.get(address) ?? [];
    const out: TransactionRecord[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const record = this.bySignature.get(list[i]!);
      if (record) out.push(record);
    }
    return out;
  }
}
