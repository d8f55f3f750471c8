// A model of what each co-author is owed, for the divest property test. Two views of the same history:
//
// - `exact`: the definition, independent of how the program folds. Every lamport the thread receives is
//   owed equally to the co-authors of that moment, in exact fractions (scaled by 2520 = lcm(1..10), so x / n is a
//   whole number for every co-author count). Nobody may ever receive more than this.
// - `level`/`joined`/`withdrawn`: the documented rule (README "Divest accounting"): income waits until a fold
//   (before a co-author joins, and at every divest), and each fold credits floor(income / n) per co-author; the
//   remainder is never owed. Payouts must match it to the lamport; it trails `exact` by < 1 lamport per fold.

export const SCALE = 2520n;

export class DivestModel {
  /** Per co-author, in joining order (index = co-author position). */
  readonly exact: bigint[] = [];
  readonly joined: bigint[] = [];
  readonly withdrawn: bigint[] = [];
  /** Folds each co-author has been part of: the bound on its rounding loss. */
  readonly folds: number[] = [];
  level = 0n;
  /** Received since the last fold. */
  unfolded = 0n;
  /** Everything the thread ever received above its rent. */
  received = 0n;
  /** What the program has accounted for, as stored in the thread. */
  accounted: bigint;

  constructor(coAuthors: number, rent: bigint) {
    this.accounted = rent;
    for (let i = 0; i < coAuthors; i++) this.join();
  }

  get count(): number {
    return this.exact.length;
  }

  /** Lamports arriving in the thread: a forfeited stake, an approval remainder or a direct transfer. */
  receive(amount: bigint): void {
    if (amount === 0n) return;
    this.received += amount;
    this.unfolded += amount;
    const each = (amount * SCALE) / BigInt(this.count);
    for (let i = 0; i < this.count; i++) this.exact[i] = (this.exact[i] as bigint) + each;
  }

  fold(): void {
    this.level += this.unfolded / BigInt(this.count);
    this.accounted += this.unfolded;
    this.unfolded = 0n;
    for (let i = 0; i < this.count; i++) this.folds[i] = (this.folds[i] as number) + 1;
  }

  join(): void {
    this.exact.push(0n);
    this.joined.push(this.level);
    this.withdrawn.push(0n);
    this.folds.push(0);
  }

  owed(i: number): bigint {
    return this.level - (this.joined[i] as bigint) - (this.withdrawn[i] as bigint);
  }

  /** One divest: folds, pays what is owed; undefined when nothing is (the program refuses with NothingToDivest). */
  divest(i: number): bigint | undefined {
    this.fold();
    const owed = this.owed(i);
    if (owed === 0n) return undefined;
    this.withdrawn[i] = (this.withdrawn[i] as bigint) + owed;
    this.accounted -= owed;
    return owed;
  }

  clone(): DivestModel {
    const copy = Object.create(DivestModel.prototype) as DivestModel;
    Object.assign(copy, this, {
      exact: [...this.exact],
      joined: [...this.joined],
      withdrawn: [...this.withdrawn],
      folds: [...this.folds],
    });
    return copy;
  }
}
