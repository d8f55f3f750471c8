/** Packs relayed actions (each an Ed25519 + program instruction pair) into as few transactions as fit. */
import type { TransactionInstruction } from '@solana/web3.js';

export interface Packable<T> {
  readonly item: T;
  readonly instructions: readonly TransactionInstruction[];
}

/** Greedy, in order: each transaction takes items until the next would overflow `fits`. */
export function pack<T>(
  items: readonly Packable<T>[],
  fits: (instructions: readonly TransactionInstruction[]) => boolean,
): Packable<T>[][] {
  const out: Packable<T>[][] = [];
  let current: Packable<T>[] = [];
  for (const p of items) {
    const candidate = [...current, p];
    if (current.length > 0 && !fits(candidate.flatMap((c) => c.instructions))) {
      out.push(current);
      current = [p];
    } else current = candidate;
  }
  if (current.length > 0) out.push(current);
  return out;
}
