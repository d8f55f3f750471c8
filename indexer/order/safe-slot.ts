/**
 * Which cursor slot is safe to commit. Resuming with from_slot = cursor + 1 replays every stream message from the
 * start of that slot, so the cursor may only name a slot S once everything streamed before slot S + 1 began is
 * applied — S's updates, its processed status and the confirmed/finalized statuses that follow it. The first
 * message of a later slot (an update, or a later slot's processed/dead status) proves that point was passed.
 */
import type { StreamUpdate } from '../decode/types.js';

export class SafeSlot {
  private lastProcessed: bigint | null = null;
  private safe: bigint | null = null;

  constructor(start: bigint | null) {
    this.safe = start;
  }

  /** Call for every update in stream order, before it is applied. */
  observe(u: StreamUpdate): void {
    const later = this.lastProcessed !== null && u.slot > this.lastProcessed;
    const opensLater = u.kind !== 'slot' || u.status === 'processed' || u.status === 'dead';
    if (later && opensLater && (this.safe === null || (this.lastProcessed as bigint) > this.safe)) {
      this.safe = this.lastProcessed;
    }
    if (u.kind === 'slot' && u.status === 'processed' && (this.lastProcessed === null || u.slot > this.lastProcessed)) {
      this.lastProcessed = u.slot;
    }
  }

  /** The cursor value covering every update observed so far (null: none yet). */
  get value(): bigint | null {
    return this.safe;
  }
}
