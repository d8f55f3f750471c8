/**
 * Runs one consistency operation the way `choir sync|reconcile|rebuild-index` do: through the running service
 * when one answers on loopback (in embedded mode it owns the vector store), else with the stores opened here.
 * Progress goes to stderr; the caller prints the result.
 */
import type { Config } from '../config/index.js';
import type { ConsistencyOperations } from '../consistency/operations.js';
import type { Logger } from '../observability/logger.js';
import { openLocalConsistency } from './local-consistency.js';
import { progressOn } from './progress.js';
import { askService, type ProgressLine, serviceUrl } from './service-client.js';

export type OperationName = 'sync' | 'reconcile' | 'rebuild-index';

export interface Ran<T> {
  readonly result: T;
  /** Where it ran: the service at this URL, or `local`. */
  readonly via: string;
}

function label(operation: OperationName, p: ProgressLine): string {
  return typeof p.phase === 'string' ? `${operation} ${p.phase}` : `${operation} (threads)`;
}

export async function runOperation<T>(
  operation: OperationName,
  body: { thread?: string; dryRun?: boolean },
  config: Config,
  logger: Logger,
  local: (ops: ConsistencyOperations, onProgress: (p: ProgressLine) => void) => Promise<T>,
): Promise<Ran<T>> {
  const progress = progressOn();
  const onProgress = (p: ProgressLine) => progress.update(p.done, p.total, label(operation, p));
  try {
    const url = serviceUrl(config.server);
    if (url) {
      const result = await askService<T>(url, operation, body, onProgress);
      if (result !== undefined) return { result, via: url };
    }
    logger.debug({ operation }, 'no service answered on loopback: opening the stores here');
    const opened = await openLocalConsistency(config, logger, operation !== 'rebuild-index');
    try {
      return { result: await local(opened.operations, onProgress), via: 'local' };
    } finally {
      await opened.close();
    }
  } finally {
    progress.finish();
  }
}
