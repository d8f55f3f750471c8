/**
 * A bounded async queue that is also an AsyncIterator. Unlike an async generator, `return()` ends it at once even
 * while a consumer awaits `next()` (graphql-ws calls `return()` when a client completes a subscription; a generator
 * would stay parked until its next event and keep its listener registered).
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private failWaiting: ((err: unknown) => void) | null = null;
  private error: unknown = null;
  private done = false;
  private readonly onClose: (() => void)[] = [];

  get size(): number {
    return this.items.length;
  }

  get closed(): boolean {
    return this.done;
  }

  /** Runs `fn` once when the channel ends (consumer returned, or producer closed/failed). */
  finally(fn: () => void): void {
    if (this.done) fn();
    else this.onClose.push(fn);
  }

  push(item: T): void {
    if (this.done) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      this.failWaiting = null;
      waiting({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** Ends the stream with an error once the queued items are consumed. */
  fail(err: unknown): void {
    if (this.done || this.error) return;
    this.error = err;
    const fail = this.failWaiting;
    if (fail && this.items.length === 0) {
      this.waiting = null;
      this.failWaiting = null;
      this.finish();
      fail(err);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.error) {
      const err = this.error;
      this.finish();
      return Promise.reject(err);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    const waiting = this.waiting;
    this.waiting = null;
    this.failWaiting = null;
    this.finish();
    waiting?.({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const fn of this.onClose.splice(0)) fn();
  }
}
