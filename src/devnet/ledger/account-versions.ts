import type { AccountState } from './types.js';

interface Versions {
  /** The account as it was before its oldest write that is not finalized yet. */
  base: AccountState | null;
  writes: { slot: number; account: AccountState | null }[];
}

/**
 * The writes of slots that are not finalized yet, per account, so reads can be answered at each commitment
 * level and an abandoned slot's writes can be undone. LiteSVM itself only holds the newest (processed) state.
 */
export class AccountVersions {
  private readonly byKey = new Map<string, Versions>();
  private readonly keysBySlot = new Map<number, Set<string>>();

  record(pubkey: string, slot: number, before: AccountState | null, after: AccountState | null): void {
    let versions = this.byKey.get(pubkey);
    if (!versions) {
      versions = { base: before, writes: [] };
      this.byKey.set(pubkey, versions);
    }
    const last = versions.writes[versions.writes.length - 1];
    if (last && last.slot === slot) last.account = after;
    else versions.writes.push({ slot, account: after });
    let keys = this.keysBySlot.get(slot);
    if (!keys) {
      keys = new Set();
      this.keysBySlot.set(slot, keys);
    }
    keys.add(pubkey);
  }

  /**
   * The account as of `maxSlot`, ignoring `dead` slots' writes (they are removed on abandon).
   * `undefined`: no unfinalized write is known, so the current state is the answer.
   */
  at(pubkey: string, maxSlot: number): AccountState | null | undefined {
    const versions = this.byKey.get(pubkey);
    if (!versions) return undefined;
    for (let i = versions.writes.length - 1; i >= 0; i--) {
      const write = versions.writes[i]!;
      if (write.slot <= maxSlot) return write.account;
    }
    return versions.base;
  }

  /** Keys with writes newer than some finalized slot: the ones whose state may differ per commitment. */
  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** Removes a slot's writes; returns each touched key with the state it must return to. */
  undoSlot(slot: number): Map<string, AccountState | null> {
    const restored = new Map<string, AccountState | null>();
    for (const pubkey of this.keysBySlot.get(slot) ?? []) {
      const versions = this.byKey.get(pubkey);
      if (!versions) continue;
      versions.writes = versions.writes.filter((w) => w.slot !== slot);
      const last = versions.writes[versions.writes.length - 1];
      restored.set(pubkey, last ? last.account : versions.base);
      if (!last) this.byKey.delete(pubkey);
    }
    this.keysBySlot.delete(slot);
    return restored;
  }

  /** Forgets the versions of slots up to `slot`: their state is now final, and LiteSVM holds it. */
  finalize(slot: number): void {
    for (const [s, keys] of this.keysBySlot) {
      if (s > slot) continue;
      for (const pubkey of keys) {
        const versions = this.byKey.get(pubkey);
        if (!versions) continue;
        let kept = 0;
        while (kept < versions.writes.length && versions.writes[kept]!.slot <= slot) kept++;
        if (kept === 0) continue;
        versions.base = versions.writes[kept - 1]!.account;
        versions.writes = versions.writes.slice(kept);
        if (versions.writes.length === 0) this.byKey.delete(pubkey);
      }
      this.keysBySlot.delete(s);
    }
  }
}
