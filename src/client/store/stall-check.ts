/**
 * A live store's check that its stream has not silently stalled: every interval it asks the API how long the
 * thread's log is. A log still longer than what the stream delivered at the next check means the stream stopped
 * or lost its last events; the store then reopens it from its cursor and the server replays what is missing.
 */
import type { ChoirError } from '../../errors/index.js';
import { staleStateError, toClientError } from '../errors.js';

export interface StallHost {
  /** The stream is open and the state current (not reloading, not reconnecting, not closed). */
  live(): boolean;
  closed(): boolean;
  /** The highest threadSequence the stream delivered. */
  delivered(): number;
  eventCount(): Promise<number>;
  reopen(): void;
  report(error: ChoirError): void;
}

export class StallCheck {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** A log length seen above what the stream had delivered at the last check. */
  private suspect = 0;

  constructor(
    private readonly host: StallHost,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.host.closed()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check().finally(() => this.start());
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async check() {
    if (!this.host.live()) return;
    const seq = this.host.delivered();
    if (this.suspect > seq) {
      this.host.report(staleStateError(`the event stream stopped at ${seq} of at least ${this.suspect} events`));
      this.suspect = 0;
      this.host.reopen();
      return;
    }
    try {
      const count = await this.host.eventCount();
      this.suspect = count > seq ? count : 0;
    } catch (err) {
      this.host.report(toClientError(err));
    }
  }
}
