/**
 * Gives each account update the index of the instruction that wrote it. Geyser sends a transaction's account
 * writes and the transaction itself as separate messages (on the devnet: the accounts first), so an account
 * update with a signature waits here until its transaction arrives — or until its slot's processed/dead status,
 * whichever comes first — and is released with the instruction index filled in. The order in which updates are
 * released depends only on the stream's order, so replays and restarts reproduce it exactly.
 */
import type { ChoirInstruction } from '../../programs/choir/client/index.js';
import type { AccountUpdate, StreamUpdate, TransactionUpdate } from './types.js';

function touched(ix: ChoirInstruction): string[] {
  const a = ix.accounts as Record<string, string | string[]>;
  return Object.values(a).flatMap((v) => (Array.isArray(v) ? [] : [v]));
}

/** For each account a transaction's Choir instructions touch, the last instruction that touches it. */
function instructionIndexes(tx: TransactionUpdate): Map<string, number> {
  const byAccount = new Map<string, number>();
  for (const { index, instruction } of tx.instructions) {
    for (const account of touched(instruction)) byAccount.set(account, index);
  }
  return byAccount;
}

export class Enricher {
  private readonly held = new Map<string, AccountUpdate[]>();
  private readonly seen = new Map<string, { slot: bigint; indexes: Map<string, number> }>();

  /** Feeds one update; returns the updates ready to apply, in order. */
  push(u: StreamUpdate): StreamUpdate[] {
    if (u.kind === 'account') {
      if (u.txSignature === null) return [u];
      const tx = this.seen.get(u.txSignature);
      if (tx) return [{ ...u, instructionIndex: tx.indexes.get(u.pubkey) ?? null }];
      const list = this.held.get(u.txSignature);
      if (list) list.push(u);
      else this.held.set(u.txSignature, [u]);
      return [];
    }
    if (u.kind === 'transaction') {
      const indexes = instructionIndexes(u);
      this.seen.set(u.signature, { slot: u.slot, indexes });
      const waiting = this.held.get(u.signature) ?? [];
      this.held.delete(u.signature);
      return [...waiting.map((a) => ({ ...a, instructionIndex: indexes.get(a.pubkey) ?? null })), u];
    }
    if (u.status !== 'processed' && u.status !== 'dead') return [u];
    // The slot is complete: whatever still waits for a transaction goes out without an instruction index.
    const out: StreamUpdate[] = [];
    for (const [signature, list] of this.held) {
      const ready = list.filter((a) => a.slot <= u.slot);
      if (ready.length === 0) continue;
      out.push(...ready);
      const rest = list.filter((a) => a.slot > u.slot);
      if (rest.length === 0) this.held.delete(signature);
      else this.held.set(signature, rest);
    }
    for (const [signature, tx] of this.seen) if (tx.slot <= u.slot) this.seen.delete(signature);
    out.push(u);
    return out;
  }

  /** How many account updates wait for their transaction. */
  get pending(): number {
    let n = 0;
    for (const list of this.held.values()) n += list.length;
    return n;
  }
}
