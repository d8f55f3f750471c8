import type { Logger } from '../observability/logger.js';

/**
 * Orderly shutdown: parts register a close function as they start; on SIGINT/SIGTERM they are closed in reverse
 * order (the API stops taking requests before the database pool it uses goes away). A second signal exits at once.
 */
export class Lifecycle {
  private readonly closers: { name: string; close: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  onClose(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  close(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, close } of [...this.closers].reverse()) {
        try {
          await close();
          this.logger.debug({ part: name }, 'closed');
        } catch (err) {
          this.logger.error({ part: name, err }, 'close failed');
        }
      }
    })();
    return this.stopping;
  }

  /** Resolves when a termination signal arrived and everything is closed. */
  untilSignal(): Promise<NodeJS.Signals> {
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
}
