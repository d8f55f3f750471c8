/**
 * The supervisor's side of the indexer part: start it in a child process and stand in for it — its status,
 * readiness and timings as last reported, its commits forwarded, its metrics scraped — so the API, /readyz and
 * /metrics work as with an indexer in this process. While the child restarts, the status says so.
 */
import { join } from 'node:path';
import {
  type IndexerStatus,
  indexerReadiness,
  type RunningIndexer,
  STAGES,
  type Stage,
} from '../../../indexer/index.js';
import type { Logger } from '../../observability/logger.js';
import type { IndexerCommitReport, IndexerPartOptions, IndexerStatusReport } from './indexer-part.js';
import { type SupervisedPart, supervise } from './supervisor.js';

export interface ChildIndexer extends RunningIndexer {
  readonly part: SupervisedPart;
  /** The child's own metrics text ('' while it is down). */
  scrapeMetrics(): Promise<string>;
}

export interface IndexerChildOptions extends IndexerPartOptions {
  readonly stream: string;
  readonly logger: Logger;
  readonly onCommit?: (info: IndexerCommitReport) => void;
  readonly env?: NodeJS.ProcessEnv;
}

function initialStatus(stream: string): IndexerStatus {
  return {
    stream,
    role: 'standby',
    state: 'connecting',
    lastProcessedSlot: null,
    confirmedSlot: null,
    finalizedSlot: null,
    cursorSlot: null,
    chainSlot: null,
    lagSlots: 0,
    lagSeconds: 0,
    gapsHealed: 0,
    decodeFailures: { account_malformed: 0, instruction_unknown: 0, update_malformed: 0, orphan: 0 },
    reconnects: 0,
    updatesApplied: 0,
    lastError: null,
  };
}

export async function startIndexerChild(o: IndexerChildOptions): Promise<ChildIndexer> {
  let status = initialStatus(o.stream);
  let timings = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  let closed = false;
  const { stream: _stream, logger, onCommit, env, ...options } = o;
  const part = supervise({
    part: 'indexer',
    entry: join(import.meta.dirname, 'indexer-part.ts'),
    // A restart resumes from the cursor: never wipe the index twice.
    options,
    restartOptions: () => ({ ...options, resetIndex: false }),
    env,
    logger,
    onReport(topic, body) {
      if (topic === 'status') {
        const report = body as IndexerStatusReport;
        status = report.status;
        timings = report.timings;
      } else if (topic === 'commit') onCommit?.(body as IndexerCommitReport);
    },
    onDown(why) {
      status = { ...status, role: 'stopped', state: 'reconnecting', lastError: why };
    },
  });
  try {
    await part.ready;
  } catch (err) {
    await part.stop();
    throw err;
  }
  let closeHook: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    void part.failed.then((exit) => {
      if (closed) return;
      status = { ...status, state: 'failed', lastError: exit.error.message, lastErrorCode: exit.error.code };
      resolve();
    });
    closeHook = resolve;
  });
  return {
    part,
    status: () => status,
    timings: () => timings,
    readiness: indexerReadiness(() => status),
    stopped,
    scrapeMetrics: () => part.scrape(),
    async close() {
      closed = true;
      await part.stop();
      status = { ...status, role: 'stopped', state: 'stopped' };
      closeHook();
    },
  };
}
