/**
 * A thread's event stream that reopens itself: when the source's stream ends (an error or the server completing
 * it) it waits a backoff delay and opens another, which resumes from the cursor the store reads then. It also
 * tracks whether the stream is down (ended and not yet reopened, or its connection dropped) and counts reconnects,
 * for the store's phase and view.
 */
import { backoffDelay, type ChoirError } from '../../errors/index.js';
import type { ThreadSource } from './source.js';
import type { ThreadEvent } from './types.js';

export interface StreamHost {
  next(event: ThreadEvent): void;
  /** The stream ended (err null: the server completed it); called before the reopen is scheduled. */
  ended(err: ChoirError | null): void;
  /** Down or back up: the store's phase may change. */
  downChanged(): void;
  closed(): boolean;
}

export class ReopeningStream {
  private stop: (() => void) | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Ended and waiting to reopen, or its connection dropped. */
  down = false;
  reconnects = 0;
  /** Opened at least once (a snapshot-log source opens it after the first snapshot). */
  opened = false;

  constructor(
    private readonly source: ThreadSource,
    private readonly address: string,
    private readonly after: () => string | null,
    private readonly host: StreamHost,
    private readonly policy: { baseDelayMs: number; maxDelayMs: number; random?: () => number },
  ) {}

  /** A stream is open (not ended, though its connection may be down). */
  get isOpen(): boolean {
    return this.stop !== null;
  }

  open(): void {
    if (this.host.closed()) return;
    this.opened = true;
    this.stop = this.source.events(this.address, this.after, {
      next: (e) => {
        this.attempts = 0;
        this.host.next(e);
      },
      error: (err) => this.ended(err),
      complete: () => this.ended(null),
      disconnected: (down) => {
        if (down === this.down) return;
        this.down = down;
        if (down) this.reconnects += 1;
        this.host.downChanged();
      },
    });
  }

  /** Closes the open stream and opens another at once, from the cursor as it is now. */
  reopen(): void {
    this.stop?.();
    this.open();
  }

  close(): void {
    this.stop?.();
    this.stop = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private ended(err: ChoirError | null): void {
    this.stop = null;
    if (this.host.closed()) return;
    this.host.ended(err);
    this.down = true;
    this.reconnects += 1;
    this.host.downChanged();
    this.attempts += 1;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.down = false;
        this.open();
        this.host.downChanged();
      },
      backoffDelay(this.attempts, this.policy),
    );
  }
}
