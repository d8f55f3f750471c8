import type { Logger } from '../observability/logger.js';

/**
 * Orderly shutdown: parts register a close function as they start; on SIGINT/SIGTERM they are closed in reverse
 * order (the API stops taking requests before the database pool it uses goes away). Signals are trapped from the
 * moment `trapSignals` is called, so a signal during start-up is not lost: what started is closed, and a part that
 * finishes starting afterwards is closed as soon as it registers. A second signal exits at once.
 */
export class Lifecycle {
  private readonly closers: { name: string; close: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;
  private late: Promise<void>[] = [];

  constructor(private readonly logger: Logger) {}

  get stopRequested(): boolean {
    return this.stopping !== undefined;
  }

  onClose(name: string, close: () => Promise<void>): void {
    if (this.stopping) {
      this.late.push(this.closeOne({ name, close }));
      return;
    }
    this.closers.push({ name, close });
  }

  close(): Promise<void> {
    this.stopping ??= (async () => {
      for (const closer of [...this.closers].reverse()) await this.closeOne(closer);
    })();
    return this.stopping.then(async () => {
      await Promise.all(this.late);
    });
  }

  /** Starts listening for SIGINT/SIGTERM; the promise resolves with the signal once everything is closed. */
  trapSignals(): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        if (this.stopping) {
          this.logger.warn({ signal }, 'second signal: exiting now');
          process.exit(130);
        }
        this.logger.info({ signal }, 'shutting down');
        void this.close().then(() => resolve(signal));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  }

  private async closeOne({ name, close }: { name: string; close: () => Promise<void> }) {
    try {
      await close();
      this.logger.debug({ part: name }, 'closed');
    } catch (err) {
      this.logger.error({ part: name, err }, 'close failed');
    }
  }
}
